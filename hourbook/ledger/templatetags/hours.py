"""Template filters for hours: 学时 truncated to two decimals, 时分秒, and 达标 badges."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from hourbook.common.hours import format_hms, format_hours, format_missing_hours
from hourbook.ledger import rules

register = template.Library()


@register.filter
def hours(seconds) -> str:
    """Seconds as 学时, truncated to two decimals (never rounded up past a requirement)."""
    if seconds is None or seconds == "":
        return "—"
    return format_hours(int(seconds))


@register.filter
def missing_hours(required, effective) -> str:
    """`{{ required|missing_hours:effective }}`: hours still missing, rounded up (never "还差 0" beside
    未达标); empty when there is no requirement or it is met."""
    if required is None or required == "" or effective is None or effective == "":
        return ""
    missing = rules.missing_seconds(int(required), int(effective))
    return format_missing_hours(missing) if missing else ""


@register.filter
def hms(seconds) -> str:
    if seconds is None or seconds == "":
        return "—"
    return format_hms(int(seconds))


@register.filter
def met_badge(met) -> str:
    if met is None:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("不适用"))
    if met:
        return format_html('<span class="badge text-bg-success">{}</span>', _("达标"))
    return format_html('<span class="badge text-bg-danger">{}</span>', _("未达标"))


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
