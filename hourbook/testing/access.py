"""The access matrix: for every URL name, who gets through, who gets 404 (outsiders), who gets 403 (wrong role).

`tests/test_access_matrix.py` walks every URL pattern of the project and fails if one is missing here,
then runs each entry for every persona of the cast (conftest.py), plus anonymous and the wrong method.
Add an entry with every new URL.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("employee", "colleague", "outsider", "hr", "parent_hr", "sibling_hr", "manager", "academy")


@dataclass
class Access:
    """How one URL answers each persona.

    ok: personas that get through (status in ok_status). not_found: personas for whom the object does not
    exist (404). forbidden: personas whose role is wrong (403). Personas not named are not checked.
    `kwargs(cast, objects)` builds the URL's arguments; `setup(cast)` makes the objects it needs.
    """

    method: str = "GET"
    ok: tuple[str, ...] = ()
    not_found: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    ok_status: tuple[int, ...] = (200,)
    setup: Callable | None = None
    kwargs: Callable | None = None
    data: Callable | None = None
    query: Callable | None = None  # (cast, objects) -> dict sent in the query string, whatever the method
    anonymous: str = "login"  # "login" (redirect to login) or "public"
    wrong_method: str | None = "auto"  # checked to answer 405
    extra: dict = field(default_factory=dict)


# Filled by each app's tests/access.py module (imported by the matrix test), keyed by "namespace:name".
MATRIX: dict[str, Access] = {}

# URL names deliberately outside the matrix, with the reason.
EXEMPT: dict[str, str] = {}


def register(name: str, access: Access) -> None:
    if name in MATRIX:
        raise ValueError(f"duplicate access entry for {name}")
    MATRIX[name] = access


def exempt(name: str, reason: str) -> None:
    EXEMPT[name] = reason
