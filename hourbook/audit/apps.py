from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hourbook.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the audit trail to the accounts' signals)
