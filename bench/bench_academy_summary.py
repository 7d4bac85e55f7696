"""The academy summary (the unit report at the root: completion of every branch and the histogram of hours)
against a hand-written SQL aggregate of the same figures from the same tables, in one run.

    DATABASE_URL=postgres://…/hourbook_bench .venv/bin/python bench/bench_academy_summary.py [--runs 5]

Needs a generated academy (`manage.py generate_academy`, 70,000 people and ~3 million records by default) in
that database. The script first asserts that both give identical figures (people counted, 达标, left, not 在册,
histogram, per group), then times each, interleaved (median of --runs), and prints the ratio.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hourbook.settings")

_spec = importlib.util.spec_from_file_location("bench_unit_report", ROOT / "bench" / "bench_unit_report.py")
bench_unit_report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_unit_report)


def floor_sql(year: int, root_path: str) -> tuple[str, list]:
    """Group the hand-written per-person figures exactly as the report's summary groups its own."""
    from hourbook.reports.selectors import COUNTED, HIST_BUCKETS, HIST_STEP_HOURS, LEFT, OTHER

    per_person, params = bench_unit_report.hand_sql(year, root_path)
    step = HIST_STEP_HOURS * 3600
    top = HIST_BUCKETS - 1
    sql = f"""
SELECT f.unit_id,
  CASE WHEN e.left_on <= '{year}-12-31' THEN '{LEFT}' WHEN NOT e.is_registered THEN '{OTHER}' ELSE '{COUNTED}' END AS kind,
  f.met,
  CASE WHEN e.left_on <= '{year}-12-31' OR NOT e.is_registered THEN -1
       WHEN f.training_effective >= {top * step} THEN {top} ELSE f.training_effective / {step} END AS hist,
  COUNT(*), SUM(f.training_effective)
FROM ({per_person}) f
JOIN org_employee e ON e.id = f.id
GROUP BY 1, 2, 3, 4
"""
    return sql, params


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from hourbook.common.dates import today
    from hourbook.org.models import Employee, Unit
    from hourbook.reports.selectors import ReportScope, report_overview

    year = args.year or today().year
    root = Unit.objects.get(parent__isnull=True, code__startswith="GEN-")
    people = Employee.objects.filter(unit__path__startswith=root.path).count()
    sql, params = floor_sql(year, root.path)

    def ours():
        scope = ReportScope.build(year=year, unit=root)
        return report_overview(scope, own_label="")

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # 1. identical figures
    summary = ours()
    rows = floor()
    hand_counted = sum(n for _u, kind, _m, _h, n, _t in rows if kind == "counted")
    hand_met = sum(n for _u, kind, met, _h, n, _t in rows if kind == "counted" and met)
    hand_left = sum(n for _u, kind, _m, _h, n, _t in rows if kind == "left")
    hand_other = sum(n for _u, kind, _m, _h, n, _t in rows if kind == "other")
    hist = Counter()
    for _u, kind, _m, bucket, n, _t in rows:
        if kind == "counted" and bucket >= 0:
            hist[int(bucket)] += n
    assert (summary.total.counted, summary.total.met, summary.total.left, summary.total.other) == (
        hand_counted,
        hand_met,
        hand_left,
        hand_other,
    ), "academy totals differ"
    assert summary.histogram == [hist[i] for i in range(len(summary.histogram))], "histograms differ"
    by_child = Counter()
    paths = dict(Unit.objects.filter(path__startswith=root.path).values_list("pk", "path"))
    children = {u.pk: u.path for u in Unit.objects.filter(parent=root)}
    for unit_id, kind, met, _h, n, _t in rows:
        if kind == "counted" and met:
            child = next((c for c, p in children.items() if paths[unit_id].startswith(p)), None)
            by_child[child] += n
    for part in summary.children:
        assert by_child[part.unit.pk if part.unit else None] == part.met, f"{part.label} differs"

    # 2. timings, interleaved
    samples = {"academy summary": [], "SQL floor": []}
    for _ in range(args.runs):
        for name, fn in (("academy summary", ours), ("SQL floor", floor)):
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    ours_s = statistics.median(samples["academy summary"])
    floor_s = statistics.median(samples["SQL floor"])
    print(
        f"{connection.vendor}, year {year}: {people} people, {summary.total.counted} counted, "
        f"{summary.total.met} 达标, {len(summary.children)} branches — identical figures"
    )
    print(f"academy summary  median {ours_s * 1000:8.0f} ms")
    print(f"SQL floor        median {floor_s * 1000:8.0f} ms")
    print(f"ratio {ours_s / floor_s:.2f}")


if __name__ == "__main__":
    main()
