from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hourbook.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        """Plug the reports' background jobs into the jobs app (STYLE.md §7: each app registers its own)."""
        from hourbook.jobs.services import job_handler_register

        from .jobs import RECORDS_EXPORT, records_export

        job_handler_register(RECORDS_EXPORT, records_export)
