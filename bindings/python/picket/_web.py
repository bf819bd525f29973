"""What the WSGI and ASGI middleware share: which requirement a path has (per-route
requirements and exempt paths) and the answer to a refused request. Private: see
:mod:`picket.wsgi` and :mod:`picket.asgi`."""

from __future__ import annotations

import json
from typing import Iterable, List, Mapping, Optional, Tuple

from ._convert import Requirement
from .errors import AuthError

__all__ = ["Routes", "refusal"]

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


_REASONS = {401: "Unauthorized", 403: "Forbidden"}


def refusal(error: AuthError) -> Tuple[int, str, List[Tuple[str, str]], bytes]:
    """(status, reason, headers, body) of the answer to a refused request. The body is
    JSON ``{"error": "header_missing", "message": "..."}``: the result code's name and the
    library's message, never the credentials sent."""
    body = json.dumps({"error": error.name.lower(), "message": error.message}).encode("utf-8")
    headers: List[Tuple[str, str]] = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("cache-control", "no-store"),
    ]
    if error.challenge:
        headers.append(("www-authenticate", error.challenge))
    status = error.http_status
    return status, _REASONS.get(status, "Error"), headers, body
