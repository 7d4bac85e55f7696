"""Compare the per-employee, per-year, per-category summary with the records; optionally repair it."""

from django.core.management.base import BaseCommand

from hourbook.ledger import summary


class Command(BaseCommand):
    help = "Check YearSummary against the records (the engine's inputs); --repair fixes differences, --rebuild recreates it."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Only this year")
        parser.add_argument("--repair", action="store_true", help="Recompute every wrong (employee, year)")
        parser.add_argument(
            "--rebuild", action="store_true", help="Delete and recreate the summary from the records"
        )

    def handle(self, *args, year=None, repair=False, rebuild=False, **options):
        if rebuild:
            n = summary.rebuild(year=year)
            self.stdout.write(self.style.SUCCESS(f"rebuilt {n} summary rows"))
            return
        stats = summary.check(year=year, repair=repair)
        line = f"compared {stats['compared']} rows, {stats['wrong']} wrong"
        if repair:
            line += f", repaired {stats['repaired']} (employee, year) pairs"
        style = self.style.SUCCESS if stats["wrong"] == 0 or repair else self.style.ERROR
        self.stdout.write(style(line))
        if stats["wrong"] and not repair:
            raise SystemExit(1)
