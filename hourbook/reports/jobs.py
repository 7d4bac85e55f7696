"""Background jobs of the reports: the year's records export (issue 5), written with progress and a heartbeat."""

import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from hourbook.roster.selectors import hr_units

from .exports import RECORD_WIDTHS, record_headers, record_rows, write_xlsx_file
from .selectors import records_for_export

PROGRESS_EVERY = 1000
RECORDS_EXPORT = "reports.records_export"  # the job kind, registered in ReportsConfig.ready()


def records_export(job, progress) -> tuple[str, Path]:
    """Every live record of the year in the unit's subtree that the job's owner may see.

    The scope is checked again here, as the owner's access may have changed since the job was queued.
    """
    unit = hr_units(job.owner).filter(pk=job.params["unit"]).first()
    if unit is None:
        raise PermissionError("unit outside the owner's scope")
    year = int(job.params["year"])
    qs = records_for_export(job.owner, unit=unit, year=year)
    total = qs.count()
    progress(0, total)

    def rows():
        for n, row in enumerate(record_rows(qs), start=1):
            if n % PROGRESS_EVERY == 0:
                progress(n)
            yield row

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - the job moves it to storage
    with handle:
        write_xlsx_file(
            title=_("%(year)s年度记录") % {"year": year},
            headers=record_headers(),
            rows=rows(),
            widths=RECORD_WIDTHS,
            file=handle,
        )
    progress(total)
    return _("%(unit)s%(year)s年度学时记录.xlsx") % {"unit": unit.name, "year": year}, Path(handle.name)
