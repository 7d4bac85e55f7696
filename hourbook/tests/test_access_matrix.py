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


def test_every_url_has_an_access_entry():
    missing = sorted(n for n in _names() if n not in MATRIX and n not in EXEMPT)
    assert not missing, f"URL names without an access-matrix entry: {missing}"


def _cases():
    for name, access in sorted(MATRIX.items()):
        for persona in access.ok:
            yield pytest.param(name, persona, "ok", id=f"{name}-{persona}-ok")
        for persona in access.not_found:
            yield pytest.param(name, persona, "404", id=f"{name}-{persona}-404")
        for persona in access.forbidden:
            yield pytest.param(name, persona, "403", id=f"{name}-{persona}-403")
        yield pytest.param(name, None, "anonymous", id=f"{name}-anonymous")
        if access.wrong_method:
            yield pytest.param(name, None, "405", id=f"{name}-405")


def _request(client, access: Access, name: str, cast, method: str | None = None):
    objects = access.setup(cast) if access.setup else None
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


@pytest.mark.parametrize(("name", "persona", "expect"), list(_cases()))
def test_access(name, persona, expect, cast, client):
    access = MATRIX[name]
    if expect == "anonymous":
        response = _request(client, access, name, cast)
        if access.anonymous == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
                response.status_code
            )
        else:
            assert response.status_code in (200, 302)
        return
    if expect == "405":
        client.force_login(cast.academy)
        wrong = "POST" if access.method == "GET" else "GET"
        if access.wrong_method not in ("auto", None):
            wrong = access.wrong_method
        response = _request(client, access, name, cast, method=wrong)
        assert response.status_code == 405
        return
    client.force_login(cast[persona])
    response = _request(client, access, name, cast)
    if expect == "ok":
        assert response.status_code in access.ok_status, (persona, response.status_code)
    elif expect == "404":
        assert response.status_code == 404, (persona, response.status_code)
    else:
        assert response.status_code == 403, (persona, response.status_code)
