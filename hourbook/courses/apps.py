from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "hourbook.courses"
    label = "courses"
    verbose_name = _("平台课程")

    def ready(self) -> None:
        """Plug the courses into 我的档案 (the ledger knows nothing of courses; it calls its hooks)."""
        from hourbook.ledger import hooks

        from .selectors import archive_courses

        hooks.register_archive_contributor(archive_courses)
