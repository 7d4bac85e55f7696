"""Changing one's password (issue 8, item 5; issue 9, item 3): an initial password must really change, the
service checks the actor, and the change is audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hourbook.accounts.services import password_change
from hourbook.audit.models import AuditEntry
from hourbook.testing.factories import PASSWORD

CHANGE = reverse("accounts:password_change")


def change(client, old, new):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
def test_initial_password_cannot_be_kept(client, cast):
    user = cast.colleague
    user.must_change_password = True
    user.save()
    client.force_login(user)
    response = change(client, PASSWORD, PASSWORD)
    assert response.status_code == 200
    assert "新密码不能与当前密码相同" in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password is True
    assert client.get("/")["Location"] == CHANGE
    assert not AuditEntry.objects.filter(action="account.change_password").exists()


@pytest.mark.django_db
def test_password_change_is_audited(client, cast):
    user = cast.colleague
    user.must_change_password = True
    user.save()
    client.force_login(user)
    assert change(client, PASSWORD, "Qz7-new-passphrase").status_code == 302
    entry = AuditEntry.objects.get(action="account.change_password")
    assert (entry.actor, entry.object_id, entry.unit) == (user, str(user.pk), user.employee.unit)
    assert "Qz7" not in str(entry.data)
    user.refresh_from_db()
    assert user.check_password("Qz7-new-passphrase") and not user.must_change_password
    assert client.get("/").status_code == 200  # still logged in


@pytest.mark.django_db
def test_the_service_changes_only_the_actors_own_password(cast):
    with pytest.raises(PermissionDenied):
        password_change(actor=cast.academy, user=cast.employee, new_password="Qz7-new-passphrase")
    cast.employee.refresh_from_db()
    assert cast.employee.check_password(PASSWORD)
    with pytest.raises(ValidationError) as error:
        password_change(actor=cast.employee, user=cast.employee, new_password=PASSWORD)
    assert "新密码不能与当前密码相同" in str(error.value)
    with pytest.raises(ValidationError):
        password_change(actor=cast.employee, user=cast.employee, new_password="12345678")
    assert not AuditEntry.objects.filter(action="account.change_password").exists()
