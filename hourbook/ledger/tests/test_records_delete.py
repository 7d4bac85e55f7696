"""Delete (soft) and batch delete: one's own pending or rejected records only, refused whole otherwise."""

import pytest
from django.urls import reverse

from hourbook.ledger import services
from hourbook.ledger.choices import Source, Status
from hourbook.ledger.models import Record, RecordTransition
from hourbook.ledger.views.records import MSG_BATCH_NONE
from hourbook.testing.factories import RecordFactory

BATCH = reverse("ledger:records_batch_delete")


def mine(cast, status=Status.PENDING, **kwargs):
    return RecordFactory(employee=cast.employee.employee, status=status, **kwargs)


def live_ids():
    return set(Record.objects.live().values_list("pk", flat=True))


def test_delete_is_soft_and_keeps_the_history(cast, login):
    """DOMAIN.md: deleting is soft: the record stops counting and leaves the lists, its history stays."""
    record = mine(cast, status=Status.REJECTED)
    client = login(cast.employee)

    response = client.post(reverse("ledger:record_delete", args=[record.pk]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.deleted_at is not None
    assert RecordTransition.objects.filter(record=record, to_status="deleted", actor=cast.employee).exists()
    listed = client.get(reverse("ledger:records", args=["external_training"])).context["page"]
    assert record.pk not in [r.pk for r in listed]
    assert client.get(reverse("ledger:record_detail", args=[record.pk])).status_code == 404


def test_an_approved_record_cannot_be_deleted(cast, login):
    record = mine(cast, status=Status.APPROVED)
    response = login(cast.employee).post(reverse("ledger:record_delete", args=[record.pk]))
    assert response.status_code == 403
    assert str(services.MSG_NOT_EDITABLE) in response.content.decode()
    assert live_ids() == {record.pk}


def test_batch_delete_removes_own_pending_and_rejected(cast, login):
    a, b = mine(cast), mine(cast, status=Status.REJECTED)
    keep = mine(cast)

    response = login(cast.employee).post(BATCH, {"ids": [a.pk, b.pk], "category": "self_study"})

    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:records", args=["self_study"])
    assert live_ids() == {keep.pk}


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(
            lambda cast: RecordFactory(employee=cast.colleague.employee, status=Status.PENDING), id="foreign"
        ),
        pytest.param(lambda cast: mine(cast, status=Status.APPROVED), id="approved"),
        pytest.param(
            lambda cast: mine(cast, source=Source.PROGRAMME, status=Status.APPROVED, source_key="p:1"),
            id="programme",
        ),
        pytest.param(lambda cast: mine(cast, deleted_at="2025-01-01T00:00Z"), id="deleted"),
    ],
)
def test_batch_delete_with_any_other_id_deletes_nothing(cast, login, other):
    """Batch delete touches only one's own pending or rejected records; any other id refuses it whole."""
    own = mine(cast)
    other_record = other(cast)
    before = live_ids()

    response = login(cast.employee).post(BATCH, {"ids": [own.pk, other_record.pk]})

    assert response.status_code == 403
    assert str(services.MSG_BATCH_FOREIGN) in response.content.decode()
    assert live_ids() == before
    assert not RecordTransition.objects.filter(to_status="deleted").exists()


def test_batch_delete_of_a_missing_or_garbled_id_deletes_nothing(cast, login):
    own = mine(cast)
    client = login(cast.employee)
    assert client.post(BATCH, {"ids": [own.pk, 999999]}).status_code == 403
    assert client.post(BATCH, {"ids": [own.pk, "1 OR 1=1"]}).status_code == 403
    assert live_ids() == {own.pk}


def test_batch_delete_without_a_selection_says_so(cast, login):
    own = mine(cast)
    response = login(cast.employee).post(BATCH, {"category": "external_training"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [str(MSG_BATCH_NONE)]
    assert live_ids() == {own.pk}


def test_another_persons_batch_cannot_touch_my_records(cast, login):
    own = mine(cast)
    for persona in ("colleague", "hr", "academy"):
        assert login(cast[persona]).post(BATCH, {"ids": [own.pk]}).status_code == 403
    assert live_ids() == {own.pk}
