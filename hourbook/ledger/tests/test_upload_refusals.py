"""Files refused as a whole, each with a clear Chinese message and nothing staged or saved.

DOMAIN.md, Batch upload: limits of 5 MB, 50 MB uncompressed and 5,000 rows; a renamed file, a zip bomb, an
encrypted workbook, the wrong tab's template and an empty sheet are each refused. So are files past the work
bounds (issue 8, item 9): a row bomb (48 MB of rows in a 150 KB file) and a 1,000-sheet workbook.

No test here times anything (issue 8, item 19): each upload runs under a meter of the XML openpyxl parses,
and a refusal must come within a bounded amount of that work, which holds however busy the machine is. The
time and memory of refusing the hostile files are measured by `bench/bench_hostile_xlsx.py`.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from hourbook.common.xlsx import MAX_CELL_ELEMENTS, MAX_ROW_ELEMENTS, OLE2_MAGIC
from hourbook.ledger.choices import Category
from hourbook.ledger.models import Record, UploadBatch
from hourbook.testing.hostile_xlsx import many_sheets, row_bomb, to_shared_strings, xml_work_meter

from .upload_workbooks import fast_workbook_bytes, good_row, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# XML elements openpyxl may parse for one upload: a sheet within the element bounds (a row, and a cell with
# up to three elements inside), twice (a sheet that declares no dimension is parsed once just to size it).
# The row bomb alone held over 1.8 million rows.
WORK_BUDGET = 2 * (MAX_ROW_ELEMENTS + 4 * MAX_CELL_ELEMENTS)


@pytest.fixture
def post_file(client, cast):
    client.force_login(cast.employee)

    def _post(data: bytes, name: str = "records.xlsx", category: str = Category.EXTERNAL_TRAINING):
        with xml_work_meter(budget=WORK_BUDGET) as work:
            response = client.post(
                reverse("ledger:upload", args=[category]), {"file": SimpleUploadedFile(name, data, XLSX)}
            )
        return response, work

    return _post


def assert_refused(response, work, *fragments: str, max_elements: int = WORK_BUDGET) -> None:
    assert response.status_code == 200  # the form again, with the message at the file field
    text = response.content.decode()
    for fragment in fragments:
        assert fragment in text, fragment
    assert 'id="upload-error"' in text
    assert work.elements <= max_elements, work.elements
    assert not UploadBatch.objects.exists()
    assert not Record.objects.exists()


def test_renamed_text_file(post_file):
    response, work = post_file("培训名称,开始时间\n学术会议,2025-03-01\n".encode(), name="records.xlsx")
    assert_refused(response, work, "文件不是 Excel 工作簿（.xlsx）", "不要只修改文件扩展名")


def test_zip_that_is_not_a_workbook(post_file):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response, work = post_file(buffer.getvalue(), name="notes.xlsx")
    assert_refused(response, work, "文件不是 Excel 工作簿（.xlsx）")


def test_zip_bomb_refused_before_inflating(post_file):
    """A small zip whose sheet declares more than 50 MB uncompressed: refused from the central directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row/>" * (1024 * 1024 // 6)
            for _ in range(55):
                sheet.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 200 * 1024  # small on the wire
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > 50 * 1024 * 1024
    response, work = post_file(data, name="bomb.xlsx")
    assert_refused(response, work, "解压后超过 50 MB", max_elements=0)


def test_encrypted_workbook(post_file):
    """Excel saves a password-protected .xlsx as an OLE2 compound file holding an EncryptedPackage stream."""
    data = (
        OLE2_MAGIC
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + "EncryptedPackage".encode("utf-16-le")
    )
    response, work = post_file(data + b"\x00" * 4096, name="secret.xlsx")
    assert_refused(response, work, "设置了打开密码", "取消密码")


def test_old_xls_workbook(post_file):
    data = OLE2_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 4096
    response, work = post_file(data, name="old.xls")
    assert_refused(response, work, "旧版 Excel（.xls）", "另存为")


def test_corrupt_zip(post_file):
    data = workbook_bytes(Category.EXTERNAL_TRAINING, [good_row()])
    response, work = post_file(data[: len(data) // 2], name="broken.xlsx")
    assert_refused(response, work, "工作簿已损坏")


def test_damaged_sheet_xml(post_file):
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(Category.EXTERNAL_TRAINING, [good_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            archive.writestr(info, content)
    response, work = post_file(buffer.getvalue())
    assert_refused(response, work, "工作簿已损坏")


def test_doctype_refused(post_file):
    """Office XML never declares a DOCTYPE; one is refused before any XML parser sees it (entity expansion)."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(Category.EXTERNAL_TRAINING, [good_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + content
            archive.writestr(info, content)
    response, work = post_file(buffer.getvalue())
    assert_refused(response, work, "工作簿已损坏")


def test_file_over_5_mb(post_file):
    response, work = post_file(b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024 + 1), name="big.xlsx")
    assert_refused(response, work, "文件超过 5 MB")


def test_empty_file(post_file):
    response, work = post_file(b"", name="empty.xlsx")
    assert_refused(response, work, "文件是空的")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (Category.EXTERNAL_ONLINE, "这是“网络学时”的导入模板，不能在“线下培训”上传"),
        (Category.SELF_STUDY, "这是“在职自学”的导入模板，不能在“线下培训”上传"),
    ],
)
def test_wrong_tabs_template(post_file, template, message):
    row = good_row(form="在职自学", assessment="")
    response, work = post_file(workbook_bytes(template, [row]))
    assert_refused(response, work, message)


def test_empty_sheet(post_file):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    response, work = post_file(buffer.getvalue())
    assert_refused(response, work, "工作表是空的")


def test_template_with_only_its_example_row(post_file):
    data = workbook_bytes(Category.EXTERNAL_TRAINING, [], keep_example=True)
    response, work = post_file(data)
    assert_refused(response, work, "没有可导入的数据行")


def test_headers_missing(post_file):
    wb = Workbook()
    wb.active.append(["名称", "日期", "学时"])
    wb.active.append(["学术会议", "2025-03-01", 8])
    buffer = io.BytesIO()
    wb.save(buffer)
    response, work = post_file(buffer.getvalue())
    assert_refused(response, work, "表头与本页的导入模板不一致", "培训名称、开始时间、结束时间")


def test_ten_thousand_rows_refused(post_file):
    rows = [good_row(n) for n in range(10_000)]
    data = fast_workbook_bytes(Category.EXTERNAL_TRAINING, rows)
    response, work = post_file(data)
    assert_refused(response, work, "数据超过 5,000 行", "拆分")


def test_row_bomb_refused_before_parsing(post_file):
    """Issue 8, item 9: 48 MB of rows without row numbers, about 150 KB zipped, inside the 5 MB / 50 MB limits.
    openpyxl used to parse all of it just to open the sheet (120 s of one server process): refused first."""
    data = row_bomb(workbook_bytes(Category.EXTERNAL_TRAINING, [good_row()]))
    assert len(data) < 200 * 1024
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 48 * 1024 * 1024
    response, work = post_file(data, name="bomb.xlsx")
    assert_refused(response, work, "工作表的行或单元格过多", "分批上传", max_elements=0)


def test_thousand_sheets_refused_before_parsing(post_file):
    response, work = post_file(many_sheets(1000), name="sheets.xlsx")
    assert_refused(response, work, "工作簿有 20 个以上工作表", "只保留导入用的工作表", max_elements=0)


def test_megabyte_cells_refused_before_parsing(post_file):
    """Issue 8, item 10: 45 rows of 1 MB of 培训内容 (as Excel writes them, in the shared strings) took the
    server from 70 to 512 MB and stored 47 MB. Refused before openpyxl loads the strings."""
    data = workbook_bytes(Category.EXTERNAL_TRAINING, [good_row(n, content=f"内容{n}") for n in range(45)])
    big = "内" * (1024 * 1024 // 3)
    data = to_shared_strings(data, grow=lambda text: text + big if text.startswith("内容") else text)
    response, work = post_file(data, name="long.xlsx")
    assert_refused(response, work, "单元格超过 32,767 个字", max_elements=0)


def test_non_employee_account_has_no_upload(client, cast):
    client.force_login(cast.academy)
    data = workbook_bytes(Category.EXTERNAL_TRAINING, [good_row()])
    response = client.post(
        reverse("ledger:upload", args=[Category.EXTERNAL_TRAINING]),
        {"file": SimpleUploadedFile("a.xlsx", data, XLSX)},
    )
    assert response.status_code == 404
    assert not UploadBatch.objects.exists()
