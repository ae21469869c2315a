# -*- coding: utf-8 -*-
"""Only what pyproject.toml cannot say yet: Babel's message extractors."""
from setuptools import setup

setup(
    message_extractors={
        "ckanext": [
            ("**/tests/**", "ignore", None),
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan.lib.extract:extract_ckan", None),
            ("**/templates/**.txt", "ckan.lib.extract:extract_ckan", None),
        ],
    },
)
