"""The one way the tests read a code block out of a README: every test that runs a README's
commands as written takes them from here, so that all agree on what "the block" is.

    python3 tests/readme/blocks.py FILE HEADING LANG [N]

prints the Nth (default 1st) ```LANG block of FILE's section HEADING, e.g.
`README.md "## Go quick start" sh 2`. The section starts at the line that is exactly HEADING
and ends at the next heading of the same level or above; headings and fences are recognized
only outside code blocks (a `# comment` line inside a block is not a heading). LANG is the
fence's whole info string (`sh`, `c`, `go`, `js`, `python`). Exit 1, with one line on
stderr, when there is no such section or block, so that a renamed heading or a removed
block fails the test that reads it rather than running nothing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

HEADING = re.compile(r"^(#{1,6}) ")


def lines_outside(text: str) -> Iterator[tuple[str, str, str]]:
    """(kind, info, line) for every line: kind is "heading", "open", "close", "code" (a line
    inside a block; info is its fence's info string) or "text"."""
    fence = None
    for line in text.split("\n"):
        if fence is not None:
            if line.startswith("```"):
                yield "close", fence, line
                fence = None
            else:
                yield "code", fence, line
        elif line.startswith("```"):
            fence = line[3:].strip()
            yield "open", fence, line
        elif HEADING.match(line):
            yield "heading", "", line
        else:
            yield "text", "", line


def blocks(text: str, heading: str, lang: str) -> list[str]:
    """Every ```LANG block of the section HEADING, in order; [] when there is none.
    Raises KeyError when the README has no line that is exactly HEADING."""
    match = HEADING.match(heading)
    if not match:
        raise ValueError(f"not a Markdown heading: {heading!r}")
    level = len(match.group(1))
    found, inside = False, False
    current: list[str] | None = None  # the lines of the LANG block being read
    out: list[str] = []
    for kind, info, line in lines_outside(text):
        if kind == "heading":
            if inside and len(line) - len(line.lstrip("#")) <= level:
                break
            if line == heading:
                found, inside = True, True
        elif not inside:
            continue
        elif kind == "open" and info == lang:
            current = []
        elif kind == "code" and current is not None:
            current.append(line)
        elif kind == "close" and current is not None:
            out.append("\n".join(current) + "\n")
            current = None
    if not found:
        raise KeyError(heading)
    return out


def main(argv: list[str]) -> int:
    if len(argv) not in (4, 5) or (len(argv) == 5 and not argv[4].isdigit()):
        print("usage: tests/readme/blocks.py FILE HEADING LANG [N]", file=sys.stderr)
        return 2
    path, heading, lang = argv[1], argv[2], argv[3]
    n = int(argv[4]) if len(argv) == 5 else 1
    try:
        found = blocks(Path(path).read_text(encoding="utf-8"), heading, lang)
    except KeyError:
        print(f"{path}: no section {heading!r}", file=sys.stderr)
        return 1
    if not 1 <= n <= len(found):
        print(
            f"{path}: section {heading!r} has {len(found)} ```{lang} block(s), not a block {n}",
            file=sys.stderr,
        )
        return 1
    sys.stdout.write(found[n - 1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
