"""Peak memory of the year's records export at 10,000 and at 100,000 rows (issue 5: at most 1.2 times).

    DATABASE_URL=postgres://…/hourbook_bench .venv/bin/python bench/bench_export_memory.py [--sizes 10000,100000]

Each size runs in a fresh process that writes the export exactly as the background job does
(`reports.selectors.records_for_export` → `reports.exports.record_rows` → `write_xlsx_file` into a temporary
file), for the academy admin over the generated academy; the process reports its peak resident memory
(ru_maxrss) before and after the export, and the file size.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(size: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hourbook.settings")
    import django

    django.setup()
    from hourbook.accounts.choices import Role
    from hourbook.accounts.models import RoleAssignment, User
    from hourbook.org.models import Unit
    from hourbook.reports.exports import RECORD_WIDTHS, record_headers, record_rows, write_xlsx_file
    from hourbook.reports.selectors import records_for_export

    root = Unit.objects.get(parent__isnull=True, code__startswith="GEN-")
    admin, _ = User.objects.get_or_create(username="bench-academy-admin")
    RoleAssignment.objects.get_or_create(user=admin, role=Role.ACADEMY_ADMIN, unit=root)
    year = int(os.environ.get("BENCH_YEAR", "0")) or None
    from hourbook.common.dates import today

    qs = records_for_export(admin, unit=root, year=year or today().year)[:size]
    list(qs[:1])  # connection, imports and caches warm before the baseline
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        write_xlsx_file(
            title="bench", headers=record_headers(), rows=record_rows(qs), widths=RECORD_WIDTHS, file=handle
        )
        size_bytes = os.path.getsize(handle.name)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": size,
                "baseline_kb": before,
                "peak_kb": after,
                "seconds": seconds,
                "file_kb": size_bytes // 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'rows':>8} {'baseline MB':>12} {'peak MB':>9} {'export s':>9} {'file KB':>9}")
    for r in results:
        print(
            f"{r['rows']:>8} {r['baseline_kb'] / 1024:>12.1f} {r['peak_kb'] / 1024:>9.1f} {r['seconds']:>9.1f} "
            f"{r['file_kb']:>9}"
        )
    if len(results) >= 2:
        print(
            f"peak at {results[-1]['rows']} / peak at {results[0]['rows']}: "
            f"{results[-1]['peak_kb'] / results[0]['peak_kb']:.2f}"
        )


if __name__ == "__main__":
    main()
