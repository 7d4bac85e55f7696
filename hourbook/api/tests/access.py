"""Access matrix of the API's URLs. The schema and its docs are public; the data endpoints answer to an
integration token, not to a logged-in session, so the persona matrix cannot reach them: their access by token
(right token, revoked, expired, missing permission, outside the unit tree) is walked for every data URL in
`hourbook/api/tests/test_api.py::test_every_api_url_has_a_token_matrix`."""

from hourbook.testing.access import PERSONAS, Access, exempt, register

TOKEN_MATRIX = "token-authenticated: walked per token in hourbook/api/tests/test_api.py (TOKEN_CASES)"

# django-ninja serves its schema and docs views to any method (a read-only page either way): no 405 to check.
for name in ("api-v1:openapi-json", "api-v1:openapi-view"):
    register(name, Access(ok=PERSONAS, anonymous="public", wrong_method=None))
register("api-docs", Access(ok=PERSONAS, ok_status=(302,), anonymous="public"))
for name in ("api-v1:units", "api-v1:people", "api-v1:person", "api-v1:person_year", "api-v1:unit_year"):
    exempt(name, TOKEN_MATRIX)
exempt("api-v1:api-root", "django-ninja's root of /api/v1/: no operation, answers 404 to everyone")

# The token page: the academy admin only; everyone else's role is wrong (403).
NOT_ACADEMY = tuple(p for p in PERSONAS if p != "academy")


def _make_token(cast):
    from hourbook.api.services import create_token

    token, _secret = create_token(
        actor=cast.academy, name="矩阵令牌", unit=cast.units["unit"], permissions=["read_people"]
    )
    return {"token": token}


def _created(cast, objects):
    from hourbook.api.models import ApiToken

    return ApiToken.objects.filter(name="矩阵新令牌").exists()


def _revoked(cast, objects):
    objects["token"].refresh_from_db()
    return objects["token"].revoked_at is not None


register(
    "api:tokens",
    Access(
        ok=("academy",),
        forbidden=NOT_ACADEMY,
        wrong_method="PUT",
        post=Access(
            method="POST",
            ok=("academy",),
            forbidden=NOT_ACADEMY,
            data=lambda cast, objects: {"name": "矩阵新令牌", "unit": "IOP", "permissions": ["read_status"]},
            effect=_created,
        ),
    ),
)
register(
    "api:token_revoke",
    Access(
        method="POST",
        ok=("academy",),
        ok_status=(302,),
        forbidden=NOT_ACADEMY,
        setup=_make_token,
        kwargs=lambda cast, objects: {"pk": objects["token"].pk},
        effect=_revoked,
    ),
)
