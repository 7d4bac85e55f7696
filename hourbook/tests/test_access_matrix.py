"""Walk every URL pattern: each must have an access entry, and each entry must hold for every persona."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

import hourbook
from hourbook.testing.access import EXEMPT, MATRIX, Access


def _load_access_modules() -> None:
    """Import every app's tests/access*.py module; each registers its URLs."""
    for module in pkgutil.iter_modules(hourbook.__path__):
        if not module.ispkg:
            continue
        try:
            tests = importlib.import_module(f"hourbook.{module.name}.tests")
        except ModuleNotFoundError:
            continue
        for sub in pkgutil.iter_modules(tests.__path__):
            if sub.name.startswith("access"):
                importlib.import_module(f"hourbook.{module.name}.tests.{sub.name}")


_load_access_modules()


def _names(resolver=None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "admin" or (pattern.app_name == "admin"):
                continue
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            names |= _names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
            else:
                names.add(f"{namespace}:<unnamed {pattern.pattern}>")
    return names


def test_every_post_entry_states_its_effect():
    """An allowed POST is told from a refused one by what it changed, not by its status code."""
    missing = sorted(
        f"{name} {variant}".strip()
        for name, variant, access in _entries()
        if access.method == "POST" and access.effect is None and not access.effect_exempt
    )
    assert not missing, f"POST entries without an effect to check: {missing}"


def test_every_url_has_an_access_entry():
    missing = sorted(n for n in _names() if n not in MATRIX and n not in EXEMPT)
    assert not missing, f"URL names without an access-matrix entry: {missing}"


def _entries():
    """Every entry, and the POST variant of a page that is also a form (`Access.post`)."""
    for name, access in sorted(MATRIX.items()):
        yield name, "", access
        if access.post is not None:
            yield name, "post", access.post


def _cases():
    for name, variant, access in _entries():
        label = f"{name}-post" if variant else name
        for persona in access.ok:
            yield pytest.param(name, variant, persona, "ok", id=f"{label}-{persona}-ok")
        for persona in access.not_found:
            yield pytest.param(name, variant, persona, "404", id=f"{label}-{persona}-404")
        for persona in access.forbidden:
            yield pytest.param(name, variant, persona, "403", id=f"{label}-{persona}-403")
        yield pytest.param(name, variant, None, "anonymous", id=f"{label}-anonymous")
        if access.wrong_method and not variant:
            yield pytest.param(name, variant, None, "405", id=f"{label}-405")


def _request(client, access: Access, name: str, cast, objects, method: str | None = None):
    kwargs = access.kwargs(cast, objects) if access.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    if access.query:
        url += "?" + urlencode(access.query(cast, objects))
    method = method or access.method
    data = access.data(cast, objects) if access.data else {}
    if method == "GET":
        return client.get(url, data)
    if method == "POST":
        return client.post(url, data)
    return getattr(client, method.lower())(url)


def _took_effect(access: Access, cast, objects) -> bool | None:
    """Whether a POST did what it is for (None when the entry has nothing to check)."""
    if access.effect is None:
        return None
    return bool(access.effect(cast, objects))


@pytest.mark.parametrize(("name", "variant", "persona", "expect"), list(_cases()))
def test_access(name, variant, persona, expect, cast, client):
    _check(name, variant, persona, expect, cast, client)


def test_a_refusal_that_redirects_like_a_success_is_caught(cast, client, monkeypatch):
    """The matrix tells an allowed POST from a refused one by its effect: a view that refuses with a flash
    message and the same redirect as a success (the 302 of an allowed POST) fails the matrix."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from hourbook.review import views

    def refuse_quietly(request, pk, decision):
        messages.error(request, "您不能审核该记录")
        return redirect("review:record", pk)

    monkeypatch.setattr(views, "_decide", refuse_quietly)
    with pytest.raises(AssertionError, match="took no effect"):
        _check("review:approve", "", "hr", "ok", cast, client)


def _check(name, variant, persona, expect, cast, client):
    access = MATRIX[name].post if variant else MATRIX[name]
    objects = access.setup(cast) if access.setup else None
    if expect == "anonymous":
        response = _request(client, access, name, cast, objects)
        if access.anonymous == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                response.status_code
            )
            assert _took_effect(access, cast, objects) in (None, False), "an anonymous POST took effect"
        else:
            assert response.status_code in (200, 302)
        return
    if expect == "405":
        client.force_login(cast.academy)
        wrong = "POST" if access.method == "GET" else "GET"
        if access.wrong_method not in ("auto", None):
            wrong = access.wrong_method
        response = _request(client, access, name, cast, objects, method=wrong)
        assert response.status_code == 405
        return
    client.force_login(cast[persona])
    response = _request(client, access, name, cast, objects)
    effect = _took_effect(access, cast, objects)
    if expect == "ok":
        assert response.status_code in access.ok_status, (persona, response.status_code)
        assert effect in (None, True), (persona, "allowed, but the POST took no effect")
    elif expect == "404":
        assert response.status_code == 404, (persona, response.status_code)
        assert effect in (None, False), (persona, "refused with 404, but the POST took effect")
    else:
        assert response.status_code == 403, (persona, response.status_code)
        assert effect in (None, False), (persona, "refused with 403, but the POST took effect")
