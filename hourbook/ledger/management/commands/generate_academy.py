"""Generate a large academy for scale tests and benchmarks (issue 5)."""

from django.core.management.base import BaseCommand, CommandError

from hourbook.ledger import generate
from hourbook.org.models import Unit


class Command(BaseCommand):
    help = (
        "Generate ~120 units, 70,000 employees and ~3 million records of one year (bulk: COPY on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=70_000)
        parser.add_argument("--records-per-employee", type=float, default=43.0)
        parser.add_argument("--units", type=int, default=120)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--year", type=int, default=None, help="Year of the records (default: the current year)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="Remove a previously generated academy first"
        )

    def handle(self, *args, **opts):
        exists = Unit.objects.filter(code__startswith=generate.PREFIX).exists()
        if exists and not opts["reset"]:
            raise CommandError("A generated academy exists already; run with --reset to replace it.")
        if exists:
            self.stdout.write("removing the previous generated academy …")
            generate.reset()
        verbose = opts["verbosity"] > 0
        result = generate.generate(
            employees=opts["employees"],
            records_per_employee=opts["records_per_employee"],
            units=opts["units"],
            seed=opts["seed"],
            year=opts["year"],
            progress=(lambda msg: self.stdout.write(f"  {msg}")) if verbose else (lambda msg: None),
        )
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in result["timings"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"generated {result['units']} leaf units, {result['employees']} employees, {result['records']} records, "
                f"{result['summary_rows']} summary rows ({timings})"
            )
        )
