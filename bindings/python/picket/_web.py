"""What the middleware of every framework share: which requirement a path has (per-route
requirements and exempt paths), the check of a request's ``Authorization`` lines, and the
answer to a refused request. Private: see :mod:`picket.wsgi`, :mod:`picket.asgi`,
:mod:`picket.fastapi`, :mod:`picket.flask` and :mod:`picket.django`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from ._api_rules import DUPLICATE_AUTHORIZATION, INTERNAL_ERROR, ApiRule
from ._convert import Requirement
from ._fast import Auth
from .errors import AuthError, PicketError

__all__ = ["Routes", "Refusal", "refusal", "rule_refusal", "check"]

#: A path's requirement; ``None``: the path is not authenticated.
Rule = Optional[Requirement]


class Routes:
    """Maps a request path to the requirement it has.

    ``routes`` maps path prefixes to a :class:`~picket.Requirement`, or to ``None`` for a
    path that is not authenticated (a health check). A prefix matches the path itself and
    everything below it, on a segment boundary: ``"/admin"`` matches ``/admin`` and
    ``/admin/users``, not ``/administrator``. The longest matching prefix wins. ``exempt``
    lists more prefixes mapped to ``None``. A path no prefix matches gets ``default``:
    pass ``default=None`` to authenticate only the listed prefixes, so that a request for
    a path the application does not serve reaches it and gets its 404, not a 401. Paths
    are compared as the server decoded them, byte for byte: with ``default=None``, list
    every prefix the application serves under a key, as its router spells it (a router
    that also answers ``/Admin`` or ``//admin`` for ``/admin`` needs those listed too);
    protecting every path and exempting a few is the safer default.

    Example::

        Routes({"/admin": Requirement.SECRET, "/widget": Requirement.PUBLISHABLE},
               exempt=["/healthz"], default=Requirement.ANY)
    """

    __slots__ = ("_rules", "default")

    def __init__(
        self,
        routes: Optional[Mapping[str, Rule]] = None,
        *,
        exempt: Iterable[str] = (),
        default: Rule = Requirement.ANY,
    ) -> None:
        rules: List[Tuple[str, Rule]] = []
        for prefix, rule in list((routes or {}).items()) + [(p, None) for p in exempt]:
            if not isinstance(prefix, str) or not prefix.startswith("/"):
                raise ValueError(f"a route prefix must be a str starting with '/', not {prefix!r}")
            rules.append((prefix.rstrip("/") or "/", None if rule is None else Requirement(rule)))
        # Longest first: the most specific prefix wins.
        rules.sort(key=lambda item: len(item[0]), reverse=True)
        self._rules = tuple(rules)
        self.default: Rule = None if default is None else Requirement(default)

    def requirement(self, path: str) -> Rule:
        """The requirement of ``path`` (``None``: not authenticated)."""
        for prefix, rule in self._rules:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                return rule
        return self.default


class Refusal(NamedTuple):
    """The answer to a refused request: the status and its reason phrase, the headers and
    the JSON body, the API error object ``{"error": rule, "code": n, "message": text}``
    that picket-server and every binding's middleware answer alike
    (``tests/error-object/refusals.jsonl`` pins it)."""

    status: int
    reason: str
    headers: List[Tuple[str, str]]
    body: bytes
    #: The body's fields, for frameworks that serialise it themselves.
    error: Dict[str, Any]

    @property
    def challenge(self) -> Optional[str]:
        """The ``WWW-Authenticate`` value, or ``None``."""
        return next((v for k, v in self.headers if k == "www-authenticate"), None)


def _answer(status: int, error: Dict[str, Any], challenge: Optional[str]) -> Refusal:
    body = json.dumps(error, separators=(",", ":")).encode("utf-8")
    headers: List[Tuple[str, str]] = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("cache-control", "no-store"),
    ]
    if challenge:
        headers.append(("www-authenticate", challenge))
    return Refusal(status, HTTPStatus(status).phrase, headers, body, error)


def refusal(error: AuthError) -> Refusal:
    """The answer to a request the library refused: its status (401 or 403), its
    challenge, and the error object of its result code (``header_missing``, 300) with the
    library's message, which never holds the credentials sent."""
    fields = {"error": error.name.lower(), "code": int(error.code), "message": error.message}
    return _answer(error.http_status, fields, error.challenge)


def rule_refusal(rule: ApiRule) -> Refusal:
    """The answer of one of the API's own rules (``duplicate_authorization``, ...)."""
    return _answer(rule.status, {"error": rule.name, "code": rule.code, "message": rule.text}, None)


def _has_comma(value: Union[str, bytes]) -> bool:
    return (b"," in value) if isinstance(value, bytes) else ("," in value)


def check(
    registry: Any,
    values: Sequence[Union[str, bytes]],
    now: Union[int, float],
    requirement: Requirement,
) -> Union[Auth, Refusal]:
    """Authenticates a request from its ``Authorization`` field values (as the server
    received them: none, one, or several lines) against ``registry``: the request's
    :class:`picket.Auth`, or the :class:`Refusal` to answer.

    More than one line, or one value holding a comma (what a server or proxy makes of two
    lines: no credential has one), is ``duplicate_authorization`` (400): which one counts
    would depend on who reads it. An error that is not the client's (a closed registry)
    is ``internal_error`` (500)."""
    if len(values) > 1 or (values and _has_comma(values[0])):
        return rule_refusal(DUPLICATE_AUTHORIZATION)
    try:
        auth: Auth = registry.authenticate(values[0] if values else "", now, requirement)
        return auth
    except AuthError as error:
        return refusal(error)
    except PicketError:
        return rule_refusal(INTERNAL_ERROR)
