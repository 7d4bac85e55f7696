"""Delete staged batch uploads nobody will confirm any more (they hold parsed rows and a marked workbook)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from hourbook.ledger.models import UploadBatch, UploadStatus


class Command(BaseCommand):
    help = "Delete unconfirmed staged uploads older than --days (default 7) and confirmed ones older than --keep (30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="age of unconfirmed batches to delete")
        parser.add_argument("--keep", type=int, default=30, help="age of confirmed batches to delete")

    def handle(self, *args, days: int, keep: int, **options):
        now = timezone.now()
        stale = UploadBatch.objects.exclude(status=UploadStatus.COMMITTED).filter(
            created_at__lt=now - dt.timedelta(days=days)
        )
        old = UploadBatch.objects.filter(
            status=UploadStatus.COMMITTED, created_at__lt=now - dt.timedelta(days=keep)
        )
        n_stale, _ = stale.delete()
        n_old, _ = old.delete()
        if options["verbosity"] > 0:
            self.stdout.write(f"deleted {n_stale} unconfirmed and {n_old} confirmed staged uploads")
