# -*- coding: utf-8 -*-
"""CKAN core's own interface strings that its Thai catalog leaves untranslated
(or translates for another sense), which the portal's pages show.

CKAN loads the catalog of each ITranslation plugin after its own and merges
them (flask-babel: ``Translations.merge``, later catalogs win), so an entry of
this extension's catalog with one of core's msgids gives that string its Thai
on every core page too. Listing the msgids here keeps them in the extension's
catalog when it is extracted again (``make i18n``); nothing reads this list at
run time. The Thai is in ``i18n/th/LC_MESSAGES/ckanext-utt1service.po``.
"""
from __future__ import annotations

from ckanext.utt1service.common.i18n import N_, N_plural

__all__ = ["CORE_STRINGS"]

CORE_STRINGS = (
    # page frame: skip link, landmarks and buttons screen readers name
    N_("Skip to main content"),
    N_("Breadcrumb"),
    N_("Submit"),
    N_("Toggle navigation"),
    N_("Account"),
    N_("About"),
    N_("Search datasets"),
    N_("Search datasets..."),
    N_("Search Datasets..."),
    N_("Profile settings"),
    N_("View profile"),
    N_("View dashboard"),
    N_("Dashboard"),
    N_plural("Dashboard (%(num)d new item)", "Dashboard (%(num)d new items)"),
    N_("Sysadmin settings"),
    N_("Log out"),
    N_("Language"),
    N_("Go"),
    # log in and register
    N_("Username or Email"),
    N_("username"),
    N_("Profile picture URL"),
    N_("Profile picture"),
    N_("Register for an Account"),
    N_("Registration"),
    N_("Full Name"),
    N_("Confirm"),
    N_("Remember me"),
    N_("Forgot your password?"),
    N_("Need an Account?"),
    N_("Create an Account"),
    N_("Then sign right up, it only takes a minute."),
    N_("Forgotten your password?"),
    N_("No problem, use our password recovery form to reset it."),
    N_("Create Account"),
    N_("Image URL"),
    N_("Upload"),
    N_("Link"),
    N_("Remove"),
    N_("Clear Upload"),
    # dataset and resource pages
    N_("Follow"),
    N_("Unfollow"),
    N_("Followers"),
    N_("Dataset description:"),
    N_("URL:"),
    N_("Data last updated"),
    N_("Metadata last updated"),
    N_("Created"),
    N_("Format"),
    N_("License"),
    N_("Additional Information"),
    N_("Field"),
    N_("Value"),
    N_("Resources"),
    N_("Reorder resources"),  # the dataset edit page's tab
    N_("Manage resource: {name}"),  # its menu button on the edit page
    N_("Explore"),
    N_("More information"),
    N_("Go to resource"),
    N_("Preview"),
    N_("Download"),
    N_("There are no views created for this resource yet."),
    N_("Not seeing the views you were expecting?"),
    N_("Click here for more information."),
    N_("Social"),
    N_("No License Provided"),
    N_("This dataset satisfies the Open Definition."),
    # file sizes (CKAN's localised_filesize)
    N_("{bytes} bytes"),
    N_("{kibibytes} KiB"),
    N_("{mebibytes} MiB"),
    N_("{gibibytes} GiB"),
    N_("{tebibytes} TiB"),
    # search page
    N_("Popular tags"),
    N_("E.g. environment"),
    N_("Filter Results"),
    N_("Order by"),
    N_("Show More {facet_type}"),
    N_("Show Only Popular {facet_type}"),
    N_("There are no {facet_type} that match this search"),
    # messages of CKAN's error pages (404, 403)
    N_("Dataset not found or you have no permission to view it"),
    N_("Group not found"),
    N_("User not found"),
    # the sysadmin's pages
    N_("Admin"),
    N_("Config"),
    N_("Trash"),
    N_("Sysadmins"),
    N_("Sysadmin"),
    N_("Promote user to Sysadmin"),
    N_("Revoke Sysadmin permission"),
    N_("Administration"),
    N_("Add"),
    # dashboard
    N_("News feed"),
    N_("My Datasets"),
    N_("My Organizations"),
    N_("My Groups"),
    N_("Activity from items that I'm following"),
    # the sysadmin's config and trash pages, the profile edit form
    # the help beside /ckan-admin/config (core's admin/config.html, one trans block)
    N_(
        '<p><strong>Site Title:</strong> This is the title of this CKAN instance It appears in '
        'various places throughout CKAN.</p> <p><strong>Custom Stylesheet:</strong> Define an '
        'alternative main CSS file.</p> <p><strong>Site Tag Logo:</strong> This is the logo that '
        'appears in the header of all the CKAN instance templates.</p> '
        '<p><strong>About:</strong> This text will appear on this CKAN instances <a '
        'href="%(about_url)s">about page</a>.</p> <p><strong>Intro Text:</strong> This text will '
        'appear on this CKAN instances <a href="%(home_url)s">home page</a> as a welcome to '
        'visitors.</p> <p><strong>Custom CSS:</strong> This is a block of CSS that appears in '
        '<code>&lt;head&gt;</code> tag of every page. If you wish to customize the templates '
        'more fully we recommend <a href="%(docs_url)s" target="_blank" rel="noreferrer">reading '
        'the documentation</a>.</p>'
    ),
    N_("Custom Stylesheet"),
    N_("Site logo"),
    # the note under every Markdown field (core's macros/form/markdown.html)
    N_(
        'You can use <a href="#markdown" title="Markdown quick reference" '
        'data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" '
        'data-bs-html="true">Markdown formatting</a> here'
    ),
    N_("Old Password"),
    N_("Purge deleted datasets, organizations or groups forever and irreversibly."),
    N_("Purge all"),
    N_("Purge"),
    N_("Deleted datasets"),
    N_("Deleted organizations"),
    N_("Deleted groups"),
    N_("There are no datasets to purge"),
    N_("There are no organizations to purge"),
    N_("There are no groups to purge"),
    N_("Are you sure you want to purge everything?"),
    N_("Are you sure you want to purge datasets?"),
    N_("Are you sure you want to purge organizations?"),
    N_("Are you sure you want to purge groups?"),
    N_("{number} datasets have been purged"),
    N_("{number} organizations have been purged"),
    N_("{number} groups have been purged"),
    N_("Massive purge complete"),
    # the resource page's data preview (DataStore, DataTables view)
    N_("Fullscreen"),
    N_("Add Filter"),
    N_("Filters"),
    N_("Data Dictionary"),
    N_("Refit"),
    N_("Close"),
    N_("Width"),
    N_("Height"),
    N_("You can copy and paste the embed code into a CMS or blog software that supports raw HTML"),
    # the buttons and tooltips of CKAN's DataTables view (its script reads
    # them from /api/i18n/<lang>, built from the catalogs at start)
    N_("Table/List toggle"),
    N_("Copy to clipboard"),
    N_("Toggle column visibility"),
    N_("Restore visibility"),
    N_("Show all"),
    N_("Show none"),
    N_("Filtered"),
    N_("Filtered download"),
    N_("Reset"),
    N_("Share current view"),
    N_("Copied deeplink to clipboard"),
    N_("Sort"),
    N_("Press SHIFT key while clicking on\nsort control for multi-column sort"),
    N_("seconds"),
    N_("Double-click to reset filters"),
    N_("TABLE FILTER"),
    N_("COLUMN FILTER/S"),
    # the picture/logo upload widget (core's image-upload.js)
    N_("Link to a URL on the internet (you can also link to an API)"),
    N_("Please select the file to upload again"),
    # CKAN 2.12's names of links and buttons for screen readers (aria-label)
    # and its new texts, which its Thai catalog leaves in English
    N_("Navigate to Home - {site_title}"),
    N_("Navigate to dataset: {title}"),
    N_("Navigate to resource: {name}"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Current resource: {name}"),
    N_("Resource URL: {url}"),
    N_("Filter by: {title}"),
    N_("Search datasets with the tag: {tag}"),
    N_("Search datasets with the tag: {name}"),
    N_("Remove applied filter: {value}"),
    N_("Close modal"),
    N_("There is no description for this dataset."),
    N_("There is no description for this organization."),
    N_("Open details page for {name}"),
    N_("Edit role"),
    N_("Edit the role of the user within the organization"),
    N_("Delete member"),
    N_("Delete this member from the organization"),
    N_("This information is visible to you and admins"),
    N_("Activities"),  # the sysadmin's tab of the activity plugin
)
