"""The access matrix: for every URL name, who gets through, who gets 404 (outsiders), who gets 403 (wrong role).

`tests/test_access_matrix.py` walks every URL pattern of the project and fails if one is missing here,
then runs each entry for every persona of the cast (conftest.py), plus anonymous and the wrong method.
Add an entry with every new URL.

A status code alone cannot tell an allowed POST from a refused one (a refusal could redirect like a success),
so every POST entry states its `effect`: a check of the database that is true once the POST did what it is
for. The matrix asserts it after every allowed request and asserts it false after every refusal (403, 404,
anonymous). A POST whose effect lies outside the database says why in `effect_exempt`.
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
    effect: Callable | None = None  # (cast, objects) -> bool: the POST took effect (see the module docstring)
    effect_exempt: str = ""  # why a POST entry has no effect to check
    post: "Access | None" = None  # a page that is also a form: its POST, with its own personas and effect
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
