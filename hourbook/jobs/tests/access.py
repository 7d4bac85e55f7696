from hourbook.jobs.models import Job, JobStatus
from hourbook.testing.access import PERSONAS, Access, register


def _job(cast):
    from django.core.files.base import ContentFile

    job = Job.objects.create(owner=cast.hr, kind="test.count", title="导出", status=JobStatus.SUCCEEDED)
    job.result_file.save("x.xlsx", ContentFile(b"x"))
    job.result_name = "x.xlsx"
    job.save()
    return job


OTHERS = tuple(p for p in PERSONAS if p != "hr")

register("jobs:list", Access(ok=PERSONAS))
register("jobs:detail", Access(ok=("hr",), not_found=OTHERS, setup=_job, kwargs=lambda c, j: {"pk": j.pk}))
register("jobs:download", Access(ok=("hr",), not_found=OTHERS, setup=_job, kwargs=lambda c, j: {"pk": j.pk}))
