"""Real servers for the middleware tests, on kernel-chosen loopback ports: wsgiref
(threaded) for WSGI applications, uvicorn for ASGI ones; and the two-key registry the
tests authenticate against."""

from __future__ import annotations

import socketserver
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import picket
from picket import Mode

HOST = "127.0.0.1"
Stop = Callable[[], None]


@contextmanager
def two_key_registry(pk: str, sk: str) -> Iterator[picket.Registry]:
    """Project 1 (development) with the publishable key pk and the secret key sk."""
    with picket.RegistryBuilder() as builder:
        builder.add_project(1, Mode.DEVELOPMENT)
        builder.add_key(picket.parse_key(pk), 1)
        builder.add_key(picket.parse_key(sk), 1)
        reg = builder.build()
    with reg:
        yield reg


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def serve_wsgi(app: Any) -> Tuple[str, Stop]:
    """A WSGI application under the standard library's wsgiref server (a real HTTP/1.1
    server, threaded). Returns its base URL and a function that stops it."""
    server = make_server(HOST, 0, app, _ThreadingWSGIServer, _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return f"http://{HOST}:{server.server_port}", stop


def serve_asgi(app: Any) -> Tuple[str, Stop]:
    """An ASGI application under uvicorn. Returns its base URL and a function that stops it."""
    import uvicorn

    config = uvicorn.Config(app, host=HOST, port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join()

    return f"http://{HOST}:{port}", stop


def serve_werkzeug(app: Any) -> Tuple[str, Stop]:
    """A WSGI application (Flask's) under Werkzeug's development server, threaded, as
    `flask run` serves it. Returns its base URL and a function that stops it."""
    from werkzeug.serving import make_server as werkzeug_server

    server = werkzeug_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join()

    return f"http://{HOST}:{server.server_port}", stop
