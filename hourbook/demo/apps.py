from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo academy behind `make demo` (load_demo); top of the stack, no models."""

    name = "hourbook.demo"
    label = "demo"
    verbose_name = _("演示数据")
