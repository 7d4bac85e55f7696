"""The API's authentication: a bearer token checked by its hash, expiry and revocation; its use recorded and
counted against its rate limit (a one-minute window kept on the token's row, so every worker shares it)."""

import datetime as dt

from django.db.models import F
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_secret


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


def _count_use(token: ApiToken, now: dt.datetime) -> bool:
    """Count one request in the token's current minute; False when the minute's allowance is spent.

    Each step is one conditional UPDATE, so concurrent requests never lose a count: the first request of a new
    minute resets the window; a request that lost that race is counted by the retried increment."""
    window = now.replace(second=0, microsecond=0)
    mine = ApiToken.objects.filter(pk=token.pk)

    def increment() -> int:
        return mine.filter(window_start=window, window_count__lt=F("rate_per_minute")).update(
            window_count=F("window_count") + 1, last_used_at=now
        )

    if increment():
        return True
    if mine.exclude(window_start=window).update(window_start=window, window_count=1, last_used_at=now):
        return True
    return bool(increment())


class TokenAuth(HttpBearer):
    """`Authorization: Bearer hb_…`. An unknown, revoked or expired token is refused (401); a token over its
    rate gets 429 with Retry-After (the seconds to the next minute)."""

    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("unit").filter(secret_hash=hash_secret(token)).first()
        now = timezone.now()
        if found is None or not found.is_usable(now):
            return None
        if not _count_use(found, now):
            raise RateLimited(retry_after=60 - now.second)
        found.last_used_at = now
        return found
