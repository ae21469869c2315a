# -*- coding: utf-8 -*-
"""Cells that cannot attack the person who opens an export.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula (and some also after a leading tab or carriage return):
an anonymous survey suggestion ``=HYPERLINK("http://evil.example/…")``
would become a live link in the staff's Excel. Every CSV and XLSX the
extension writes passes each cell through :func:`safe_cell`, which puts a
single quote in front of such text (OWASP's advice for CSV injection): the
text stays readable and is never run. Numbers, and text that is only a
number (``-12.5``, ``+3``), are left alone, so figures stay figures.

:func:`append_row` is the XLSX writer's way in: it neutralises the values
in the same way and also stores every text cell as a string, never as a
formula (openpyxl otherwise turns any text that starts with ``=`` into
one).

:func:`write_row` is the same for an XlsxWriter worksheet (the service
report's XLSX, issue 20: about three times faster than openpyxl for a long
sheet): text is written with ``write_string`` (never a formula, whatever it
starts with), numbers with ``write_number``, an empty cell as a blank that
keeps its format.
"""
from __future__ import annotations

import numbers
import re
from typing import Any, Iterable, Optional, Sequence

__all__ = ["FORMULA_STARTS", "safe_cell", "safe_row", "append_row", "write_row"]

#: First characters that make a spreadsheet cell a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?%?")


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that a
    spreadsheet would run as a formula gets a leading ``'``."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if any(ch.isdigit() for ch in value) and _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells through :func:`safe_cell` (for ``csv.writer``)."""
    return [safe_cell(v) for v in values]


def append_row(sheet: Any, values: Iterable[Any], styles: Optional[Sequence[Any]] = None) -> list[Any]:
    """Append a row to an openpyxl worksheet: text neutralised and stored
    as text (data type ``s``), numbers as numbers. ``styles``: a style
    array per cell (openpyxl's ``Cell(style_array=…)``, taken from a styled
    cell), or none. Returns the row's cells (so that a caller styles them
    without asking the sheet for its last row: ``sheet.max_row`` looks at
    every cell, which made a long export quadratic)."""
    from openpyxl.cell.cell import Cell

    cells = []
    for position, value in enumerate(safe_row(values)):
        style = styles[position] if styles is not None else None
        cell = Cell(sheet, value=value, style_array=style)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    return cells


def write_row(sheet: Any, row: int, values: Iterable[Any], formats: Optional[Sequence[Any]] = None) -> None:
    """Write ``values`` into row ``row`` (0-based) of an XlsxWriter
    worksheet, from column A: text neutralised (:func:`safe_cell`) and
    stored as text, numbers as numbers, ``None`` as an empty cell (kept only
    if it has a format). ``formats``: an XlsxWriter format per cell, or
    none."""
    for column, value in enumerate(safe_row(values)):
        style = formats[column] if formats is not None else None
        if value is None:
            sheet.write_blank(row, column, None, style)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, style)
        elif isinstance(value, numbers.Real):
            sheet.write_number(row, column, value, style)
        else:
            sheet.write_string(row, column, str(value), style)
