"""Template filters of the course pages: lesson lengths as a clock (mm:ss or h:mm:ss)."""

from django import template

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """605 → "10:05"; 3725 → "1:02:05"."""
    try:
        seconds = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
