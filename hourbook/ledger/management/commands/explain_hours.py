"""Print one employee's year as JSON, for operators: `manage.py explain_hours ARP YEAR`."""

import json

from django.core.management.base import BaseCommand, CommandError

from hourbook.ledger.engine import employee_year, employee_year_json
from hourbook.org.models import Employee


class Command(BaseCommand):
    help = "Print an employee's hours for a year as JSON (buckets, categories, caps, pending, 达标)."

    def add_arguments(self, parser):
        parser.add_argument("arp", help="The employee's ARP number (员工ARP编号)")
        parser.add_argument("year", type=int, help="The year (年度), e.g. 2026")
        parser.add_argument(
            "--explain", action="store_true", help="Add the plain-Chinese explanation (FAQ Q3)"
        )

    def handle(self, *args, arp: str, year: int, explain: bool = False, **options):
        employee = Employee.objects.filter(arp=arp).select_related("unit").first()
        if employee is None:
            raise CommandError(f"No employee with ARP number {arp!r}")
        if not 2000 <= year <= 2100:
            raise CommandError(f"Year out of range: {year}")
        ey = employee_year(employee, year)
        data = employee_year_json(ey)
        if explain:
            from hourbook.ledger.engine import explain as explain_year

            explanation = explain_year(ey)
            data["explanation"] = {
                "categories": {line.category: line.text for line in explanation["lines"]},
                "buckets": {b["bucket"]: b["text"] for b in explanation["buckets"]},
            }
        self.stdout.write(
            json.dumps(data, ensure_ascii=False, indent=2 if options["verbosity"] > 0 else None)
        )
