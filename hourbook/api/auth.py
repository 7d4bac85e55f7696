"""The API's authentication: a bearer token checked by its hash, expiry and revocation; its use recorded."""

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_secret


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hb_…`. An unknown, revoked or expired token is refused (401)."""

    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("unit").filter(secret_hash=hash_secret(token)).first()
        now = timezone.now()
        if found is None or not found.is_usable(now):
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
        return found
