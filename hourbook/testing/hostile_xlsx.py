"""Hostile workbooks for every .xlsx reader's tests (issue 8, items 9 and 20), and a meter of openpyxl's work.

The meter counts the XML elements openpyxl parses (worksheets and shared strings): a test asserts that a
refused file cost at most a bounded amount of parsing, which holds however busy the machine is, where a
wall-clock limit would not. Past its budget the meter stops the parse, so the code before the fix fails
such a test at once instead of parsing for minutes.
"""

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl.reader.strings
import openpyxl.worksheet._reader


class ParseBudgetExceeded(AssertionError):
    """openpyxl parsed more XML elements than the test allowed."""


@dataclass
class XmlWork:
    budget: int
    elements: int = 0


@contextlib.contextmanager
def xml_work_meter(budget: int = 100_000) -> Iterator[XmlWork]:
    """Count the XML elements openpyxl parses inside the block; more than `budget` raises at once."""
    work = XmlWork(budget=budget)
    originals = {module: module.iterparse for module in (openpyxl.worksheet._reader, openpyxl.reader.strings)}

    def metered(original):
        def iterparse(source, *args, **kwargs):
            for event in original(source, *args, **kwargs):
                work.elements += 1
                if work.elements > work.budget:
                    raise ParseBudgetExceeded(f"openpyxl parsed more than {work.budget:,} XML elements")
                yield event

        return iterparse

    for module, original in originals.items():
        module.iterparse = metered(original)
    try:
        yield work
    finally:
        for module, original in originals.items():
            module.iterparse = original


def rewrite_parts(data: bytes, rewrite) -> bytes:
    """A copy of the workbook `data` with each part passed through `rewrite(name, content) -> content`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, rewrite(info.filename, source.read(info)))
    return buffer.getvalue()


def with_dimension(data: bytes, ref: str, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with its first sheet's declared <dimension> rewritten to `ref` (e.g. "A1:B3").

    Some exporters write a stale or a one-cell dimension; openpyxl's read-only mode trusts it.
    """

    def rewrite(name: str, content: bytes) -> bytes:
        if name != sheet:
            return content
        if b"<dimension" in content:
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content, count=1)
        return re.sub(rb"(<sheetData)", f'<dimension ref="{ref}"/>\\1'.encode(), content, count=1)

    return rewrite_parts(data, rewrite)


def row_bomb(data: bytes, megabytes: int = 48, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with `megabytes` of rows without row numbers appended to its first sheet, and no
    <dimension>: about 150 KB on the wire, within the 5 MB / 50 MB limits (issue 8, item 9)."""
    row = b"<row><c><v>1</v></c></row>"
    bomb = row * (megabytes * 1024 * 1024 // len(row))

    def rewrite(name: str, content: bytes) -> bytes:
        if name != sheet:
            return content
        content = re.sub(rb"<dimension [^>]*/>", b"", content)
        if b"</sheetData>" in content:
            return content.replace(b"</sheetData>", bomb + b"</sheetData>", 1)
        return content.replace(b"<sheetData/>", b"<sheetData>" + bomb + b"</sheetData>", 1)

    return rewrite_parts(data, rewrite)


def many_sheets(count: int = 1000) -> bytes:
    """A workbook of `count` small sheets, written part by part (fast; openpyxl would take long)."""
    sheets = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, count + 1))
    rels = "".join(
        f'<Relationship Id="rId{n}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_xml = (
        f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
        "</row></sheetData></worksheet>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel_ns}"><sheets>{sheets}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>",
        )
        for n in range(1, count + 1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", sheet_xml)
    return buffer.getvalue()


_INLINE = re.compile(
    rb'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S
)


def to_shared_strings(data: bytes, sheet: str = "xl/worksheets/sheet1.xml", grow=None) -> bytes:
    """The workbook with its first sheet's text cells moved to a shared-string table, as Excel writes them
    (openpyxl writes inline strings). `grow(text) -> text` may replace each string on the way."""
    strings: list[bytes] = []

    def share(match: re.Match) -> bytes:
        text = match.group(3)
        if grow is not None:
            text = grow(text.decode()).encode()
        strings.append(text)
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), len(strings) - 1)

    def rewrite(name: str, content: bytes) -> bytes:
        if name == sheet:
            return _INLINE.sub(share, content)
        if name == "[Content_Types].xml":
            return content.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(
                b"</Relationships>",
                b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml" Id="rIdShared"/></Relationships>',
            )
        return content

    shared = rewrite_parts(data, rewrite)
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    buffer = io.BytesIO(shared)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
            b'uniqueCount="%d">%s</sst>' % (len(strings), len(strings), table),
        )
    return buffer.getvalue()
