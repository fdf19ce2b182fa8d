"""The reports' workbooks open right and print right: codes are text cells, and every sheet
of every report has the print setup (A4, fit to width, landscape when wide, header row on
each page)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

REPORTS = (
    "/rapporter/lagesbild.xlsx",
    "/rapporter/tystnad.xlsx",
    "/rapporter/sammanstallning.xlsx",
    "/rapporter/slutredovisning.xlsx",
)


def test_every_report_sheet_prints_on_a4_one_page_wide(world, reader):
    for path in REPORTS:
        response = reader.get(path)
        assert response.status_code == 200, path
        for sheet in load_workbook(io.BytesIO(response.data)).worksheets:
            where = f"{path} {sheet.title}"
            assert sheet.page_setup.paperSize == 9, where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert int(sheet.page_setup.fitToHeight) == 0, where
            assert sheet.print_title_rows == "$1:$1", where
            wide = sheet.max_column > 6
            assert sheet.page_setup.orientation == ("landscape" if wide else "portrait"), where


def test_the_situation_keeps_each_municipality_code_as_text(world, reader):
    sheet = load_workbook(io.BytesIO(reader.get("/rapporter/lagesbild.xlsx").data))["Kommuner"]
    column = [cell.value for cell in sheet[1]].index("Kommunkod") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert len(cells) == 290
    assert "0764" in {cell.value for cell in cells}
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in cells)
