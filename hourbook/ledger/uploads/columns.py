"""The columns of each tab's upload sheet (第六条 fields), the example row and the enumerations' labels.

Every row belongs to the uploader, so no sheet has an ARP column. Required columns carry a "*" in the header;
headers are matched by name, so a person may reorder or add columns (the returned 错误说明 column is ignored).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today

from ..choices import DEFAULT_FORM, Assessment, Category, Form

# Field keys of a column; "hours" is 学时 (converted to seconds with common.hours).
TEXT_FIELDS = ("name", "content", "place", "organiser")


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    width: int = 16
    help: Promise | str = ""

    @property
    def header(self) -> str:
        return f"{self.label}*" if self.required else str(self.label)


NAME = Column("name", _("培训名称"), True, 36, _("必填，不超过 200 个字"))
CONTENT = Column("content", _("培训内容"), False, 36, _("不超过 2000 个字"))
PLACE = Column("place", _("培训地点"), False, 16, _("不超过 200 个字"))
ORGANISER = Column("organiser", _("举办单位"), False, 22, _("不超过 200 个字"))
PLATFORM = Column("organiser", _("学习平台"), False, 22, _("如 学习强国、中国干部网络学院；不超过 200 个字"))
START = Column("start_date", _("开始时间"), True, 13, _("日期，如 2025-03-01、2025/3/1 或 2025年3月1日"))
END = Column("end_date", _("结束时间"), True, 13, _("日期，不晚于今天；记录计入结束时间所在年度"))
HOURS = Column("hours", _("学时"), True, 9, _("数字，最多两位小数；1 天 = 8 学时，半天 = 4 学时（第十条）"))
FORM = Column("form", _("培训形式"), False, 30, _("从下拉列表选择（第五条）；留空取本页默认形式"))
ASSESSMENT = Column(
    "assessment", _("考核结果"), False, 11, _("合格 / 不合格 / 无考核；不合格不计学时（第十条）")
)
OFF_JOB = Column("off_job", _("是否脱产"), False, 10, _("是 / 否"))

COLUMNS: dict[str, tuple[Column, ...]] = {
    Category.EXTERNAL_TRAINING: (
        NAME,
        CONTENT,
        PLACE,
        ORGANISER,
        START,
        END,
        HOURS,
        FORM,
        ASSESSMENT,
        OFF_JOB,
    ),
    Category.EXTERNAL_ONLINE: (NAME, CONTENT, PLATFORM, START, END, HOURS, FORM, ASSESSMENT),
    Category.SELF_STUDY: (NAME, CONTENT, START, END, HOURS, FORM),
    Category.STUDY_ABROAD: (NAME, CONTENT, PLACE, ORGANISER, START, END, HOURS, FORM, ASSESSMENT, OFF_JOB),
}

EXAMPLE_PREFIX = "【示例】"
YES, NO = _("是"), _("否")


def form_labels() -> list[str]:
    return [str(label) for label in Form.labels]


def assessment_labels() -> list[str]:
    return [str(Assessment.PASSED.label), str(Assessment.FAILED.label), str(Assessment.NONE.label)]


def example_row(category: str) -> dict:
    """One filled-in example per tab, dated last year so it is always in the past; ignored on upload."""
    year = today().year - 1
    default_form = str(Form(DEFAULT_FORM[category]).label)
    examples = {
        Category.EXTERNAL_TRAINING: {
            "name": "第十届全国凝聚态物理学术会议",
            "content": "大会报告与分会场交流",
            "place": "北京",
            "organiser": "中国物理学会",
            "start_date": dt.date(year, 3, 1),
            "end_date": dt.date(year, 3, 2),
            "hours": 16,
            "assessment": str(Assessment.NONE.label),
            "off_job": str(NO),
        },
        Category.EXTERNAL_ONLINE: {
            "name": "“科学家精神”专题网络课程",
            "content": "专题视频课程学习",
            "organiser": "学习强国",
            "start_date": dt.date(year, 4, 1),
            "end_date": dt.date(year, 4, 30),
            "hours": 6.5,
            "assessment": str(Assessment.PASSED.label),
        },
        Category.SELF_STUDY: {
            "name": "《科研项目管理实务》",
            "content": "通读全书并撰写读书笔记",
            "start_date": dt.date(year, 5, 1),
            "end_date": dt.date(year, 5, 31),
            "hours": 8,
        },
        Category.STUDY_ABROAD: {
            "name": "国家公派高级研究学者项目",
            "content": "赴德国马普学会合作研究",
            "place": "德国慕尼黑",
            "organiser": "国家留学基金管理委员会",
            "start_date": dt.date(year, 1, 1),
            "end_date": dt.date(year, 6, 30),
            "hours": 400,
            "assessment": str(Assessment.PASSED.label),
            "off_job": str(YES),
        },
    }
    row = dict(examples[category])
    row["name"] = EXAMPLE_PREFIX + row["name"]
    row["form"] = default_form
    return row
