"""The background records export: started by POST with the unit and year in the query string."""

from hourbook.jobs.models import Job
from hourbook.testing.access import Access, register

NOT_HR = ("employee", "colleague", "outsider", "manager")

register(
    "reports:records_export_job",
    Access(
        method="POST",
        ok=("hr", "parent_hr", "academy"),
        ok_status=(302,),
        not_found=("sibling_hr",),
        forbidden=NOT_HR,
        query=lambda cast, objects: {"unit": cast.units["unit"].pk},
        effect=lambda cast, objects: Job.objects.exists(),
    ),
)
