"""Re-queue or fail background jobs whose worker died (stale heartbeat). Safe to run any time, e.g. every minute."""

from django.core.management.base import BaseCommand

from hourbook.jobs.services import jobs_sweep


class Command(BaseCommand):
    help = "Re-queue (or fail after their attempts) running jobs whose heartbeat is stale."

    def handle(self, *args, **options):
        result = jobs_sweep()
        if options["verbosity"] > 0:
            self.stdout.write(f"requeued {result['requeued']}, failed {result['failed']}")
