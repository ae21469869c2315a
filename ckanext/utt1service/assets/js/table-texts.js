/* A file's page with a DataStore table: two texts of the DataStore plugin's
 * templates, which the extension's cannot override (the "datastore" plugin
 * must come first in ckan.plugins, and the first plugin's templates win), in
 * the page's language: the name of the "other formats" menu of the download
 * button (CKAN: "list of downloadable formats") and the column types of the
 * data dictionary ("text" → "ข้อความ"). The translated texts are on
 * #utt1-table-texts (templates/package/resource_read.html).
 */
(function () {
  'use strict'

  function apply () {
    const texts = document.getElementById('utt1-table-texts')
    if (!texts) {
      return
    }
    const menu = document.getElementById('dropdownDownloadFormat')
    if (menu) {
      menu.setAttribute('aria-label', texts.dataset.formatsLabel)
    }
    let types = {}
    try {
      types = JSON.parse(texts.dataset.types || '{}')
    } catch (e) {
      return
    }
    // the type beside each column's name (the button's last cell: .col-4 on
    // CKAN 2.11, .col-3 on 2.12), and in its details (dt "Type")
    const cells = [...document.querySelectorAll('.accordion-button > div:last-child')]
    document.querySelectorAll('.accordion-body dt').forEach(function (term) {
      if (term.textContent.trim() === texts.dataset.typeTerm && term.nextElementSibling) {
        cells.push(term.nextElementSibling)
      }
    })
    cells.forEach(function (cell) {
      const code = cell.textContent.trim()
      if (Object.prototype.hasOwnProperty.call(types, code)) {
        cell.textContent = types[code]
      }
    })
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', apply)
  } else {
    apply()
  }
})()
