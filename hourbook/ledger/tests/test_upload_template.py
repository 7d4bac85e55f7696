"""The .xlsx template of each 我的外部学习 tab, read back as Excel would (DOMAIN.md, Batch upload)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hourbook.ledger.choices import EMPLOYEE_CATEGORIES, Category, Form
from hourbook.ledger.uploads.workbook import META_MAGIC, META_SHEET, build_template

HEADERS = {
    Category.EXTERNAL_TRAINING: [
        "培训名称*",
        "培训内容",
        "培训地点",
        "举办单位",
        "开始时间*",
        "结束时间*",
        "学时*",
        "培训形式",
        "考核结果",
        "是否脱产",
    ],
    Category.EXTERNAL_ONLINE: [
        "培训名称*",
        "培训内容",
        "学习平台",
        "开始时间*",
        "结束时间*",
        "学时*",
        "培训形式",
        "考核结果",
    ],
    Category.SELF_STUDY: ["培训名称*", "培训内容", "开始时间*", "结束时间*", "学时*", "培训形式"],
    Category.STUDY_ABROAD: [
        "培训名称*",
        "培训内容",
        "培训地点",
        "举办单位",
        "开始时间*",
        "结束时间*",
        "学时*",
        "培训形式",
        "考核结果",
        "是否脱产",
    ],
}
FORM_LABELS = [str(label) for label in Form.labels]


def _letter(headers: list[str], header: str) -> str:
    return "ABCDEFGHIJ"[headers.index(header)]


def _validations(ws) -> dict[str, tuple[str, str]]:
    """sqref → (type, formula1) of every data validation."""
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


@pytest.fixture
def read_template(client, cast):
    def _read(category):
        client.force_login(cast.employee)
        response = client.get(reverse("ledger:upload_template", args=[category]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        return load_workbook(io.BytesIO(response.content)), response

    return _read


@pytest.mark.parametrize("category", EMPLOYEE_CATEGORIES)
def test_template_headers_example_and_sheets(read_template, category):
    wb, response = read_template(category)
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the tab's Chinese name, RFC 5987
    ws = wb.worksheets[0]
    assert ws.title == str(Category(category).label)
    headers = HEADERS[category]
    assert [c.value for c in ws[1]] == headers
    assert "ARP" not in "".join(headers)  # every row belongs to the uploader
    assert ws.freeze_panes == "A2"
    example = {headers[i].rstrip("*"): c.value for i, c in enumerate(ws[2])}
    assert example["培训名称"].startswith("【示例】")
    assert isinstance(example["开始时间"], dt.datetime) and isinstance(example["结束时间"], dt.datetime)
    assert example["结束时间"].date() < dt.date.today()
    assert example["培训形式"] in FORM_LABELS
    assert isinstance(example["学时"], int | float)
    # Nothing below the example row: a person starts writing at row 3 or overwrites row 2.
    assert ws.max_row == 2
    assert [s.title for s in wb.worksheets] == [str(Category(category).label), "填写说明", META_SHEET]
    assert wb["填写说明"].sheet_state == "visible"


@pytest.mark.parametrize("category", EMPLOYEE_CATEGORIES)
def test_template_date_cells_and_widths(read_template, category):
    wb, _ = read_template(category)
    ws = wb.worksheets[0]
    headers = HEADERS[category]
    for header in ("开始时间*", "结束时间*"):
        letter = _letter(headers, header)
        assert ws[f"{letter}2"].number_format == "yyyy-mm-dd"
        assert ws[f"{letter}2"].is_date
        # New cells typed in the column take the date format too.
        assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["A"].width == 36
    assert all(ws.column_dimensions[_letter(headers, h)].width >= 9 for h in headers)


@pytest.mark.parametrize("category", EMPLOYEE_CATEGORIES)
def test_template_drop_downs(read_template, category):
    wb, _ = read_template(category)
    ws = wb.worksheets[0]
    headers = HEADERS[category]
    validations = _validations(ws)
    form = _letter(headers, "培训形式")
    assert validations[f"{form}2:{form}5001"] == ("list", '"' + ",".join(FORM_LABELS) + '"')
    assert len(FORM_LABELS) == 9  # the nine forms of 第五条
    hours = _letter(headers, "学时*")
    assert validations[f"{hours}2:{hours}5001"] == ("decimal", "0")
    expected = 2
    if "考核结果" in headers:
        letter = _letter(headers, "考核结果")
        assert validations[f"{letter}2:{letter}5001"] == ("list", '"合格,不合格,无考核"')
        expected += 1
    if "是否脱产" in headers:
        letter = _letter(headers, "是否脱产")
        assert validations[f"{letter}2:{letter}5001"] == ("list", '"是,否"')
        expected += 1
    assert len(validations) == expected
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            assert dv.showDropDown is False  # openpyxl's inverted flag: False shows the arrow
            assert len(dv.formula1) <= 257


@pytest.mark.parametrize("category", EMPLOYEE_CATEGORIES)
def test_template_marks_its_tab_in_a_hidden_sheet(read_template, category):
    wb, _ = read_template(category)
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert (meta["A1"].value, meta["B1"].value) == (META_MAGIC, category)


def test_template_headers_carry_help_comments():
    wb = load_workbook(io.BytesIO(build_template(Category.EXTERNAL_TRAINING)))
    ws = wb.worksheets[0]
    assert "2025/3/1" in ws["E1"].comment.text
    assert "第十条" in ws["G1"].comment.text


@pytest.mark.parametrize("category", ["in_house", "platform_online", "nonsense"])
def test_no_template_for_categories_employees_do_not_register(client, cast, category):
    """第九条一、四: in-house and platform hours are registered by others, never uploaded by the employee."""
    client.force_login(cast.employee)
    assert client.get(reverse("ledger:upload_template", args=[category])).status_code == 404
    assert client.get(reverse("ledger:upload", args=[category])).status_code == 404
