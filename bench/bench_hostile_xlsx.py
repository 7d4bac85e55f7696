"""Time and memory of refusing hostile workbooks in every .xlsx reader (issue 8, item 9: within 2 s and 150 MB).

    .venv/bin/python bench/bench_hostile_xlsx.py

Each case runs in a fresh Python process (so peak memory is its own): Django is set up, the workbook is
built, then the reader is timed from the bytes to its refusal. Printed per case: seconds, the process's peak
resident memory (ru_maxrss) and its growth during the read, and the message the person would see.

Files: the row bomb (48 MB of rows without row numbers in the template's sheet, about 150 KB zipped), a
1,000-sheet workbook, a sheet declaring a dimension of the whole grid, 45 shared strings of 1 MB each
(issue 8, item 10), 440 shared strings of 32,000 characters each (just under the cell bound, 42 MB of
XML), 11,490 formatted blank rows of 10 cells without a dimension (just under the element bounds, so
openpyxl parses them all), and for comparison the largest accepted upload (5,000 valid rows).
Readers: the records upload (`ledger.uploads.parse.parse_upload`), the roster import
(`roster.imports.parse_roster`) and the training ARP list (`training.xlsx.read_arp_list`).
No database is needed: each file is refused before a row is checked against it (the 5,000-row upload runs
with a throwaway SQLite database to find existing rows).
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CASES = (
    "row_bomb",
    "thousand_sheets",
    "whole_grid_dimension",
    "long_strings",
    "strings_at_bound",
    "blank_rows_at_bound",
    "five_thousand_rows",
)
READERS = ("upload", "roster", "training")


def build(case: str) -> bytes:
    from hourbook.ledger.tests.upload_workbooks import fast_workbook_bytes, good_row, workbook_bytes
    from hourbook.ledger.uploads.workbook import build_template
    from hourbook.testing.hostile_xlsx import (
        many_sheets,
        rewrite_parts,
        row_bomb,
        to_shared_strings,
        with_dimension,
    )

    template = build_template("external_training")
    if case == "row_bomb":
        return row_bomb(template)
    if case == "thousand_sheets":
        return many_sheets(1000)
    if case == "whole_grid_dimension":
        return with_dimension(fast_workbook_bytes("external_training", [good_row(1)]), "A1:XFD1048576")
    if case == "long_strings":  # 45 rows of 1 MB each in 培训内容, as shared strings (issue 8, item 10)
        data = workbook_bytes("external_training", [good_row(n, content=f"内容{n}") for n in range(45)])
        big = "内" * (1024 * 1024 // 3)
        return to_shared_strings(data, grow=lambda text: text + big if text.startswith("内容") else text)
    if case == "strings_at_bound":  # as much text as the 50 MB allow, each cell just under the bound
        data = workbook_bytes("external_training", [good_row(n, content=f"内容{n}") for n in range(440)])
        near = "内" * 32_000
        return to_shared_strings(data, grow=lambda text: text + near if text.startswith("内容") else text)
    if case == "blank_rows_at_bound":  # 11,490 formatted blank rows of 10 cells, no dimension: all parsed
        from openpyxl.utils import get_column_letter

        rows = "".join(
            f'<row r="{r}">'
            + "".join(f'<c r="{get_column_letter(c)}{r}" s="1"/>' for c in range(1, 11))
            + "</row>"
            for r in range(10, 11_500)
        ).encode()
        return rewrite_parts(
            row_bomb(template, megabytes=0),
            lambda name, content: (
                content.replace(b"</sheetData>", rows + b"</sheetData>")
                if name == "xl/worksheets/sheet1.xml"
                else content
            ),
        )
    if case == "five_thousand_rows":
        return fast_workbook_bytes("external_training", [good_row(n) for n in range(5000)])
    raise ValueError(case)


def run_one(case: str, reader: str, path: Path) -> dict:
    import resource
    import time

    import _common

    _common.configure(path.parent)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hourbook.common.xlsx import SpreadsheetRefused
    from hourbook.training.xlsx import XlsxError

    data = path.read_bytes()
    employee = None
    old_name = None
    if reader == "upload":
        from django.db import connection

        from hourbook.testing.factories import EmployeeFactory

        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        employee = EmployeeFactory()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = "accepted"
    try:
        if reader == "upload":
            from hourbook.ledger.uploads.parse import parse_upload

            result = parse_upload(data, category="external_training", employee=employee)
            outcome = f"accepted: {len(result.rows)} rows, {len(result.errors)} errors"
        elif reader == "roster":
            from hourbook.roster.imports import _read

            _headers, rows = _read(data)
            outcome = f"read: {len(rows)} rows"
        else:
            from hourbook.training.xlsx import read_arp_list

            rows = read_arp_list(SimpleUploadedFile("list.xlsx", data))
            outcome = f"read: {len(rows)} rows"
    except SpreadsheetRefused as exc:
        outcome = exc.message
    except XlsxError as exc:
        outcome = "; ".join(exc.errors)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if old_name is not None:
        from django.db import connection

        connection.creation.destroy_test_db(old_name, verbosity=0)
    return {
        "case": case,
        "reader": reader,
        "kb": len(data) // 1024,
        "seconds": round(seconds, 3),
        "peak_mb": round(after / 1024, 1),
        "growth_mb": round((after - before) / 1024, 1),
        "outcome": outcome[:70],
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        import _common

        path = Path(sys.argv[3])
        _common.configure(path.parent)
        path.write_bytes(build(sys.argv[2]))
        return
    if len(sys.argv) == 4:
        print(json.dumps(run_one(sys.argv[1], sys.argv[2], Path(sys.argv[3])), ensure_ascii=False))
        return
    tmp = Path(tempfile.mkdtemp(prefix="hourbook-bench-hostile-"))
    print("| file | reader | KB | seconds | peak MB | growth MB | outcome |")
    print("|---|---|---|---|---|---|---|")
    try:
        for case in CASES:
            path = tmp / f"{case}.xlsx"
            subprocess.run([sys.executable, __file__, "build", case, str(path)], check=True)
            for reader in READERS:
                if case == "five_thousand_rows" and reader != "upload":
                    continue
                _report(case, reader, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _report(case: str, reader: str, path: Path) -> None:
    out = subprocess.run(
        [sys.executable, __file__, case, reader, str(path)], capture_output=True, text=True, check=False
    )
    if out.returncode:
        print(f"| {case} | {reader} | failed: {out.stderr.strip().splitlines()[-1]} |")
        return
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"| {r['case']} | {r['reader']} | {r['kb']:,} | {r['seconds']:.2f} | {r['peak_mb']} | "
        f"{r['growth_mb']} | {r['outcome']} |"
    )


if __name__ == "__main__":
    main()
