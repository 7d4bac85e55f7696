"""Field rules shared by the record form, the batch upload and the API: one set of messages, one set of checks.

Each check returns errors keyed by field name, in Chinese; the caller shows them at the field or at the
row and column of an upload.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from hourbook.common.dates import today
from hourbook.common.hours import (
    SECONDS_PER_DAY,
    HoursOutOfRange,
    format_hours,
    hours_to_seconds,
    to_hours_decimal,
)
from hourbook.common.text import clean_text

from . import rules

MSG_END_BEFORE_START = _("结束时间不能早于开始时间")
MSG_END_IN_FUTURE = _("结束时间不能晚于今天")
MSG_HOURS_POSITIVE = _("学时必须大于零")
MSG_HOURS_TOO_MANY = _("学时不能超过 %(max)s（%(days)s 天 × 8 学时，第十条）")
MSG_HOURS_DECIMALS = _("学时最多保留两位小数")
MSG_HOURS_NOT_A_NUMBER = _("学时须为数字，例如 8 或 3.5")
MSG_HOURS_OUT_OF_RANGE = _("学时数值超出范围，请填写实际学时，例如 8 或 3.5")
MSG_DAYS_STEP = _("天数须为 0.5 的整数倍（1 天 8 学时，半天 4 学时，第十条）")
MSG_REQUIRED = _("此项为必填项")
MSG_NAME_TOO_LONG = _("培训名称不能超过 200 个字")
MSG_TOO_LONG = _("不能超过 %(max)s 个字")
# 第六条 text fields and their maxima (the model's max_length; DOMAIN.md: issue 8, item 10).
NAME_MAX = 200
TEXT_MAX = {"name": NAME_MAX, "content": 2000, "place": 200, "organiser": 200}
MSG_DUPLICATE = _("已有一条相同的记录（类别、名称、起止时间、学时均相同）")
MSG_TOO_OLD = _("开始时间不能早于 2000 年")
EVIDENCE_MAX_PER_RECORD = 5
MSG_EVIDENCE_COUNT = _("每条记录最多 %(max)s 个证明材料，本次最多还能上传 %(room)s 个")


def check_record(
    *,
    name: str,
    start: dt.date | None,
    end: dt.date | None,
    seconds: int | None,
    content: str = "",
    place: str = "",
    organiser: str = "",
) -> dict[str, str]:
    """The invariants of an entered record (DOMAIN.md: Record fields, Hours).

    A name of only spaces or invisible characters is empty (`common.text.clean_text`); every text field
    is within its maximum (TEXT_MAX).
    """
    errors: dict[str, str] = {}
    name = clean_text(name)
    if not name:
        errors["name"] = str(MSG_REQUIRED)
    elif len(name) > NAME_MAX:
        errors["name"] = str(MSG_NAME_TOO_LONG)
    for key, value in (("content", content), ("place", place), ("organiser", organiser)):
        if len(value or "") > TEXT_MAX[key]:
            errors[key] = str(MSG_TOO_LONG % {"max": TEXT_MAX[key]})
    if start is None:
        errors["start_date"] = str(MSG_REQUIRED)
    elif start < dt.date(2000, 1, 1):
        errors["start_date"] = str(MSG_TOO_OLD)
    if end is None:
        errors["end_date"] = str(MSG_REQUIRED)
    elif end > today():
        errors["end_date"] = str(MSG_END_IN_FUTURE)
    if start and end and end < start:
        errors["end_date"] = str(MSG_END_BEFORE_START)
    if seconds is None:
        errors.setdefault("hours", str(MSG_REQUIRED))
    elif seconds <= 0:
        errors["hours"] = str(MSG_HOURS_POSITIVE)
    elif start and end and end >= start:
        limit = rules.max_seconds_for_range(start, end)
        if seconds > limit:
            errors["hours"] = str(
                MSG_HOURS_TOO_MANY % {"max": format_hours(limit), "days": limit // SECONDS_PER_DAY}
            )
    return errors


def check_hours_decimal(value: Decimal) -> str | None:
    """At most two decimals. `value` is finite and within MAX_HOURS (see `parse_hours`)."""
    if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
        return str(MSG_HOURS_DECIMALS)
    return None


def parse_hours(value: Decimal | float | int | str) -> tuple[int | None, str | None]:
    """学时 as entered (the form's text, an upload's number cell) → (seconds, None) or (None, message).

    Never raises: NaN, infinities, 1E+999999 and the like get a message, not an arithmetic error.
    Zero and negative figures give their seconds (zero or less), which `check_record` refuses.
    """
    try:
        hours = to_hours_decimal(value)
    except HoursOutOfRange:
        return None, str(MSG_HOURS_OUT_OF_RANGE)
    except ValueError:
        return None, str(MSG_HOURS_NOT_A_NUMBER)
    problem = check_hours_decimal(hours)
    if problem:
        return None, problem
    return hours_to_seconds(hours), None


def check_days_step(days: Decimal) -> str | None:
    if days <= 0 or (days * 2) != (days * 2).to_integral_value():
        return str(MSG_DAYS_STEP)
    return None
