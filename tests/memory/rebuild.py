"""A Python program's memory stays flat while it rebuilds its registry.

    python rebuild.py KEYS REBUILDS THREADS BOUND_MB

The same steps as rebuild.c, through the Python binding (the installed wheel): a registry of
KEYS keys over KEYS / 10 projects (each with a redirect URI), built REBUILDS more times, each
build on the next of THREADS threads in turn (a thread pool, as a threaded WSGI or ASGI
server runs a reload), the new registry swapped in and the old one closed. Prints the
resident set (RSS, /proc/self/statm) after the first build, the largest after any build and
the last; exits 1 when the largest exceeds the first by more than BOUND_MB megabytes, 2 on a
usage error. Linux only.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import picket


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def main(argv: list[str]) -> int:
    try:
        keys, rebuilds, threads = (int(a) for a in argv[1:4])
        bound = float(argv[4])
        if (
            keys <= 0
            or rebuilds < 0
            or not 1 <= threads <= 64
            or bound <= 0
            or len(argv) != 5
        ):
            raise ValueError
    except (ValueError, IndexError):
        print("usage: rebuild.py KEYS REBUILDS THREADS(1-64) BOUND_MB", file=sys.stderr)
        return 2
    projects = max(keys // 10, 1)
    digests = [hashlib.sha256(i.to_bytes(8, "little")).digest() for i in range(keys)]

    def build() -> picket.Registry:
        with picket.RegistryBuilder() as b:
            for p in range(1, projects + 1):
                b.add_project(p, picket.Mode.PRODUCTION)
                b.add_redirect_uri(p, "https://app.example/callback")
            for i, d in enumerate(digests):
                kind = picket.KeyKind.SECRET if i % 2 else picket.KeyKind.PUBLISHABLE
                b.add_key(d, 1 + i % projects, kind)
            return b.build()

    current: picket.Registry | None = None
    lock = threading.Lock()

    def rebuild() -> float:
        nonlocal current
        new = build()
        with lock:
            old, current = current, new
        if old is not None:
            old.close()
        return rss_mb()

    # One single-thread pool per thread, used in turn: build i runs on thread i % THREADS.
    pools = [ThreadPoolExecutor(1) for _ in range(threads)]
    sizes = [pools[i % threads].submit(rebuild).result() for i in range(rebuilds + 1)]
    for pool in pools:
        pool.shutdown()
    assert current is not None
    current.close()
    first, largest = sizes[0], max(sizes)
    print(
        f"Python: {keys} keys, {rebuilds} rebuilds on {threads} threads: RSS after the first "
        f"build {first:.1f} MB, largest {largest:.1f} MB (+{largest - first:.1f} MB), last "
        f"{sizes[-1]:.1f} MB; bound +{bound:.0f} MB"
    )
    if largest - first > bound:
        print(
            f"FAILED: the RSS grew by {largest - first:.1f} MB, more than {bound:.0f} MB"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
