# -*- coding: utf-8 -*-
"""The code lists of the service (common/vocabularies.py): every label has
its Thai wording, and pages, forms and helpers read them from there."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.utt1service.common import vocabularies

#: labels that are the same in Thai (names)
SAME_IN_THAI = {"LINE", "API"}


def _in(app, lang):
    return app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": lang})


@pytest.mark.parametrize("name", sorted(vocabularies.BY_NAME))
def test_every_label_has_its_thai_wording(app, name):
    vocabulary = vocabularies.BY_NAME[name]
    with _in(app, "th"):
        thai = dict(vocabulary.choices())
        untranslated = [msgid for code, msgid in vocabulary.items
                        if thai[code] == msgid and msgid not in SAME_IN_THAI]
        assert untranslated == []
        if vocabulary.none:
            assert vocabulary.label(None) != vocabulary.none


def test_labels_in_the_language_of_the_page(app):
    with _in(app, "th"):
        assert vocabularies.COMPLAINT_STATES.label("in_progress") == tk._("In progress") != "In progress"
        assert vocabularies.AGENCY_TYPES.label(None) == "ไม่ระบุ"
        assert vocabularies.INTAKE_METHODS.label("gone") == "gone"  # a code no longer in the list
    with _in(app, "en"):
        assert vocabularies.AGENCY_TYPES.label(None) == "Not stated"
        assert tk.h.utt1service_label("states", "resolved") == "Resolved"  # the short name templates use
        assert tk.h.utt1service_label("service_channels", "qr") == "QR code"


def test_the_survey_columns_are_the_survey_items():
    from ckanext.utt1service.monitoring.model.survey import (
        SURVEY_ITEM_COLUMNS,
        SurveyResponse,
    )

    assert SURVEY_ITEM_COLUMNS == ("staff_courtesy", "staff_reception", "search_speed", "data_match",
                                   "data_quality")
    assert all(hasattr(SurveyResponse, column) for column in SURVEY_ITEM_COLUMNS)
    assert [item["number"] for group in vocabularies.SURVEY_GROUPS for item in
            [dict(zip(("name", "number", "label"), i)) for i in group[2]]] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
