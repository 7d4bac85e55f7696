"""Time a 5,000-row batch upload of 线下培训: upload (POST → preview) and confirm (POST → committed records).

    .venv/bin/python bench/bench_upload.py [--rows 5000]

Builds a throwaway database (a temporary SQLite file; with DATABASE_URL, a throwaway test database on that
PostgreSQL server, named by DATABASE_TEST_NAME or test_hourbook_bench_upload), one employee, and a workbook
made from the tab's real template with --rows valid rows (dates as date cells). Then, with Django's test
Client, it times and prints in seconds and rows per second:

  upload        POST the file (parse, check every row, stage the batch) and GET the preview page
  confirm       POST confirm: every row saved in one transaction
  re-upload     the same file again: every row found existing, nothing to add
  invalid       the file with one bad row: all rows checked, the marked workbook built, GET the preview
  errors.xlsx   GET the marked workbook

Nothing outside the throwaway database is touched; it is dropped at the end.
"""

import argparse
import datetime as dt
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _common  # noqa: E402

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=5000, help="rows in the workbook (at most 5,000 are accepted)"
    )
    return parser.parse_args()


def build_workbook(n_rows: int, *, bad_row: int | None = None) -> bytes:
    """The 线下培训 template with n_rows rows from row 2 (the example row overwritten)."""
    from openpyxl import load_workbook

    from hourbook.common.dates import today
    from hourbook.ledger.uploads.columns import COLUMNS
    from hourbook.ledger.uploads.workbook import build_template

    category = "external_training"
    wb = load_workbook(io.BytesIO(build_template(category)))
    ws = wb.worksheets[0]
    keys = [column.key for column in COLUMNS[category]]
    last = today() - dt.timedelta(days=1)
    for i in range(n_rows):
        start = last - dt.timedelta(days=(i * 3) % 2000 + 2)
        values = {
            "name": f"学术报告会 第{i}期",
            "content": "大会报告与分会场交流",
            "place": "北京",
            "organiser": "中国物理学会",
            "start_date": start,
            "end_date": start + dt.timedelta(days=1),
            "hours": 24 if i == bad_row else (4, 8, 12, 16)[i % 4],
            "form": "国内外学术会议、讲座",
            "assessment": ("合格", "无考核")[i % 2],
            "off_job": "否",
        }
        for col, key in enumerate(keys, start=1):
            cell = ws.cell(row=i + 2, column=col, value=values[key])
            if key in ("start_date", "end_date"):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SECONDS: dict[str, float] = {}


def timed(label: str, rows: int, func):
    began = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - began
    SECONDS[label] = seconds
    print(f"{label:<14}{seconds:>9.2f} s{rows / seconds:>12,.0f} rows/s")
    return result


def floor(data: bytes, employee) -> int:
    """The floor: a bare read-only parse of the same workbook and a COPY (executemany on SQLite) of its rows."""
    from django.db import transaction
    from django.utils import timezone
    from openpyxl import load_workbook

    from hourbook.ledger.bulk import records_insert
    from hourbook.ledger.uploads.columns import COLUMNS

    keys = [column.key for column in COLUMNS["external_training"]]
    rows = []
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for values in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
        v = dict(zip(keys, values, strict=False))
        start, end = v["start_date"].date(), v["end_date"].date()
        rows.append(
            {
                "employee_id": employee.pk,
                "unit_id": employee.unit_id,
                "year": end.year,
                "category": "external_training",
                "form": "conference",
                "source": "employee",
                "name": v["name"],
                "content": v["content"] or "",
                "place": v["place"] or "",
                "organiser": v["organiser"] or "",
                "start_date": start,
                "end_date": end,
                "seconds": int(v["hours"] * 3600),
                "status": "pending",
            }
        )
    wb.close()
    with transaction.atomic():
        n = records_insert(rows, now=timezone.now())
    return n


def main() -> None:
    args = parse_args()
    with _common.throwaway_database("test_hourbook_bench_upload", prefix="hourbook-bench-upload-"):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from hourbook.ledger.models import Record, UploadBatch
        from hourbook.org.choices import UnitKind
        from hourbook.testing.factories import EmployeeFactory, EmployeeUserFactory, UnitFactory

        root = UnitFactory(code="CAS", name="中国科学院", kind=UnitKind.ACADEMY)
        unit = UnitFactory(code="IOP", name="物理研究所", parent=root)
        user = EmployeeUserFactory(username="bench", employee=EmployeeFactory(name="张三", unit=unit))
        client = Client()
        client.force_login(user)
        upload_url = reverse("ledger:upload", args=["external_training"])

        began = time.perf_counter()
        good = build_workbook(args.rows)
        bad = build_workbook(args.rows, bad_row=args.rows // 2)
        print(
            f"database: {connection.vendor}; workbook of {args.rows} rows, {len(good) / 1024:.0f} KB "
            f"(built in {time.perf_counter() - began:.1f} s)"
        )

        def upload(data: bytes):
            began = time.perf_counter()
            response = client.post(upload_url, {"file": SimpleUploadedFile("records.xlsx", data, XLSX)})
            SECONDS["upload POST"] = time.perf_counter() - began
            assert response.status_code == 302, response.content.decode()[:500]
            preview = client.get(response["Location"])
            assert preview.status_code == 200
            return UploadBatch.objects.latest("pk")

        def confirm(batch):
            response = client.post(reverse("ledger:upload_confirm", args=[batch.pk]))
            assert response.status_code == 302
            return batch

        print(f"{'phase':<14}{'time':>11}{'throughput':>16}")
        batch = timed("upload", args.rows, lambda: upload(good))
        first_post = SECONDS["upload POST"]
        assert len(batch.rows) == args.rows, (len(batch.rows), batch.errors[:3])
        timed("confirm", args.rows, lambda: confirm(batch))
        saved = Record.objects.filter(employee=user.employee).count()
        assert saved == args.rows, saved
        again = timed("re-upload", args.rows, lambda: upload(good))
        assert again.rows == [] and len(again.duplicates) == args.rows
        invalid = timed("invalid", args.rows, lambda: upload(bad))
        assert invalid.status == "invalid" and len(invalid.errors) == 1
        response = timed(
            "errors.xlsx",
            args.rows,
            lambda: client.get(reverse("ledger:upload_errors", args=[invalid.pk])),
        )
        assert response.status_code == 200
        print(f"records saved: {saved}; marked workbook {len(response.content) / 1024:.0f} KB")
        other = EmployeeFactory(name="李四", unit=unit)
        copied = timed("floor", args.rows, lambda: floor(good, other))
        assert copied == args.rows
        ours = SECONDS["upload"] + SECONDS["confirm"]
        print(
            f"upload + preview + confirm {ours:.2f} s against the parse + COPY floor {SECONDS['floor']:.2f} s: "
            f"ratio {ours / SECONDS['floor']:.2f}"
        )
        posts = first_post + SECONDS["confirm"]
        print(
            f"from POST to committed rows (upload POST {first_post:.2f} s + confirm POST "
            f"{SECONDS['confirm']:.2f} s) {posts:.2f} s: ratio {posts / SECONDS['floor']:.2f}"
        )


if __name__ == "__main__":
    main()
