"""manage.py load_demo: the demo academy behind `make demo`, and the table of its logins."""

from django.core.management.base import BaseCommand, CommandError

from hourbook.common.dates import today
from hourbook.demo import data
from hourbook.demo.services import (
    DEFAULT_EMPLOYEES,
    DEFAULT_SEED,
    DemoError,
    cases_year,
    demo_exists,
    demo_is_ours,
    demo_load,
    demo_logins,
    demo_reset,
    logins_table,
)


class Command(BaseCommand):
    help = (
        "Load a believable demo academy (中国科学院 and its branches, institutes and departments; about 300 "
        "employees; a year of records in every category and state) with logins of every role, then print "
        "the logins. Safe to run twice: an existing demo (unit code CAS) is left alone unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="seed of the generator (same seed, same academy)"
        )
        parser.add_argument(
            "--employees",
            type=int,
            default=DEFAULT_EMPLOYEES,
            help=f"number of employees, the {len(data.PERSONAS)} named logins included (default {DEFAULT_EMPLOYEES})",
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete the existing demo academy first, then build it again"
        )

    def handle(self, *args, seed: int, employees: int, reset: bool, verbosity: int, **options):
        if employees < len(data.PERSONAS):
            raise CommandError(f"--employees must be at least {len(data.PERSONAS)} (the named logins)")

        def log(message: str) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {message}")

        try:
            if demo_exists():
                if not reset:
                    if not demo_is_ours():
                        raise CommandError(
                            f"A root unit with code {data.ROOT_CODE} exists and was not made by load_demo; "
                            "nothing done."
                        )
                    if verbosity >= 1:
                        self.stdout.write(
                            f"The demo academy is already loaded (unit code {data.ROOT_CODE}); nothing created. "
                            "Run with --reset to rebuild it."
                        )
                    self._print_logins(verbosity)
                    return
                if verbosity >= 1:
                    self.stdout.write("Removing the existing demo academy (--reset)…")
                demo_reset(log=log)
            if verbosity >= 1:
                self.stdout.write(f"Loading the demo academy (seed {seed}, {employees} employees)…")
            summary = demo_load(seed=seed, employees=employees, log=log)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo academy loaded: {summary.units} units, {summary.employees} employees with accounts, "
                    f"{summary.records} records, in {summary.seconds:.1f} s."
                )
            )
        self._print_logins(verbosity)

    def _print_logins(self, verbosity: int) -> None:
        if verbosity < 1:
            return
        rows = demo_logins()
        if not rows:
            return
        self.stdout.write("")
        year = cases_year()
        self.stdout.write(
            f"Logins (password {data.PASSWORD} for every account; any employee may also log in with their "
            f"ARP number). Hours are {year}'s effective/required:"
        )
        if year != today().year:
            self.stdout.write(
                f"({today().year} has only just begun: choose {year} in the year selector of the home page.)"
            )
        self.stdout.write(logins_table(rows))
        self.stdout.write("")
