"""Indicator files as the statistics sites export them, written by hand for the tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

#: Kolada: semicolons, decimal commas, codes with leading zeros, one row per municipality and
#: year, ".." for a figure not shown, and a row for the whole country.
KOLADA = (
    "Kommun-ID;Kommun;År;Värde\r\n"
    "0180;Stockholm;2023;25,6\r\n"
    "0180;Stockholm;2024;26,1\r\n"
    "1280;Malmö;2024;35,4\r\n"
    "0380;Uppsala;2024;..\r\n"
    "0305;Håbo;2024;14,2\r\n"
    "0643;Habo;2024;9,8\r\n"
    "0000;Riket;2024;20,5\r\n"
)

#: SCB: commas, quoted, codes and names in one column, codes without the leading zero,
#: thousands with no-break spaces, one row per municipality (the year chosen in the form).
SCB = (
    '"region","Folkmängd"\r\n'
    '"180 Stockholm","984\u00a0748"\r\n'
    '"1280 Malmö","362\u00a0133"\r\n'
    '"114 Upplands Väsby","48 921"\r\n'
    '"9999 Ingenstans","1"\r\n'
    '"1880 Örebro","fel"\r\n'
)


def kolada_csv(text: str = KOLADA, *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: Socialstyrelsen-like XLSX: names instead of codes (with "kommun", in capitals, without
#: diacritics), real numbers, a name that is no municipality, a missing figure ("-").
NAMES_XLSX_ROWS: list[list[object]] = [
    ["Kommun", "År", "Hushåll med ekonomiskt bistånd"],
    ["Malmö kommun", 2024, 12345.5],
    ["GÖTEBORG", 2024, 15000],
    ["orebro", 2024, "1 234,5"],
    ["Atlantis", 2024, 10],
    ["Kiruna", 2024, "-"],
]
