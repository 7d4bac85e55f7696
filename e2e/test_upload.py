"""A person uploads a batch with one bad row, reads the errors, downloads the marked workbook, fixes it and
uploads again, then confirms: the records appear as 待审核 (DOMAIN.md, Batch upload)."""

import io

from openpyxl import load_workbook

from e2e.conftest import log_in, shot
from hourbook.ledger.models import Record
from hourbook.ledger.tests.upload_workbooks import good_row, workbook_bytes
from hourbook.testing.factories import PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_with_a_bad_row_then_fixed(page, cast, tmp_path):
    log_in(page, cast.employee.employee.arp, PASSWORD)
    page.goto(page.base_url + "/uploads/external_training/")
    assert page.get_by_role("heading", level=1).inner_text() == "批量上传 · 线下培训"

    with page.expect_download() as template:
        page.get_by_role("link", name="下载导入模板").click()
    assert template.value.suggested_filename == "线下培训导入模板.xlsx"

    bad = workbook_bytes("external_training", [good_row(1), good_row(2, hours=24)])
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        files=[{"name": "我的记录.xlsx", "mimeType": XLSX, "buffer": bad}]
    )
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/uploads/*/")
    errors = page.locator("#upload-errors").inner_text()
    assert "第 3 行 · 学时：学时不能超过 16（2 天 × 8 学时，第十条）" in errors
    assert page.get_by_role("button", name="确认导入").count() == 0
    shot(page, "upload-preview-errors")

    with page.expect_download() as marked:
        page.get_by_role("link", name="下载标注错误的工作簿").click()
    path = tmp_path / "marked.xlsx"
    marked.value.save_as(path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws["G3"].comment is not None and ws["G2"].comment is None
    ws["G3"] = 16
    buffer = io.BytesIO()
    wb.save(buffer)

    page.get_by_role("link", name="改正后重新上传").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        files=[{"name": "我的记录-改正.xlsx", "mimeType": XLSX, "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/uploads/*/")
    shot(page, "upload-preview-ready")
    page.get_by_role("button", name="确认导入 2 条").click()
    page.wait_for_load_state()
    assert "已导入 2 条记录，等待单位人事审核" in page.get_by_role("alert").first.inner_text()
    shot(page, "upload-committed")
    assert Record.objects.filter(employee=cast.employee.employee, status="pending").count() == 2


def test_upload_refused_file_on_a_phone(phone_page, cast):
    page = phone_page
    log_in(page, cast.employee.employee.arp, PASSWORD)
    page.goto(page.base_url + "/uploads/self_study/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        files=[{"name": "notes.xlsx", "mimeType": XLSX, "buffer": b"just text, renamed"}]
    )
    page.get_by_role("button", name="上传并预览").click()
    error = page.locator("#upload-error")
    error.wait_for()
    assert "文件不是 Excel 工作簿（.xlsx）" in error.inner_text()
    shot(page, "upload-refused-phone")
