"""The migrations that give free text its maxima (issue 8, item 10) never fail on longer existing data:
they cut it (decision: truncate, marking the cut with "…"), before the column becomes varchar."""

import pytest
from django.core.management import call_command

from hourbook.ledger.models import Record, RecordTransition
from hourbook.testing.factories import RecordFactory
from hourbook.training.models import Programme
from hourbook.training.tests.factories import make_programme, past_days


@pytest.mark.django_db(transaction=True)
def test_longer_texts_are_cut_by_the_migration(cast):
    record = RecordFactory(employee=cast.employee.employee, content="短内容")
    transition = RecordTransition.objects.create(
        record=record, to_status="rejected", action="reject", reason="短"
    )
    programme = make_programme(cast.units["unit"], past_days(1))
    call_command("migrate", "ledger", "0003", verbosity=0)
    call_command("migrate", "training", "0002", verbosity=0)
    try:
        # The columns are unbounded text again: what the attack stored.
        Record.objects.filter(pk=record.pk).update(content="内" * 1024 * 1024)
        RecordTransition.objects.filter(pk=transition.pk).update(reason="由" * 5000)
        Programme.objects.filter(pk=programme.pk).update(content="训" * 3000)
    finally:
        call_command("migrate", verbosity=0)
    record.refresh_from_db()
    transition.refresh_from_db()
    programme.refresh_from_db()
    assert record.content == "内" * 1999 + "…"
    assert transition.reason == "由" * 499 + "…"
    assert programme.content == "训" * 1999 + "…"
    assert (
        Record._meta.get_field("content").max_length,
        Programme._meta.get_field("content").max_length,
    ) == (
        2000,
        2000,
    )
