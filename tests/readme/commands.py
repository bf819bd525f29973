"""Every command the README shows is run by some test: the audit.

    python3 tests/readme/commands.py            from anywhere; exit 0 when every command
                                                is accounted for, 1 otherwise

Collects what README.md shows a reader to run: every line of every ```sh block (grouped by
the heading it sits under) and every inline `code` span that starts like a command
(COMMAND_START). Each must have an entry (or several) in tests/readme/commands.tsv naming the test
that runs it and a needle, the text by which that runner runs it (the command itself, or
the heading of the block it extracts from the README). The audit fails when a README
command has no entry, when an entry names a command the README no longer shows, when a
runner does not exist, or when a runner does not contain its needle: so a new command in
the README needs a test before it lands, and a runner that stops running a command shows.

Entry kinds (the third column), printed as a tally:
  run        the runner runs the command as written (or the block, line by line)
  synopsis   a form with placeholders (TARGET, a|b|c, …); the runner runs its instances
  measure    a measurement run: CI runs the same script or bench target with fewer
             samples (the needle names how), because a full run's minutes buy nothing in CI
             and its timing is not asserted anywhere
  subset     an option that selects part of a run CI makes in full
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from blocks import lines_outside

REPO = Path(__file__).resolve().parents[2]
KINDS = ("run", "synopsis", "measure", "subset")

# What an inline code span starts with when it is a command rather than a name or a path.
COMMAND_START = re.compile(
    r"^(scripts/\S+\.sh|bench/run\.sh|make( |$)|cargo |RUSTC_BOOTSTRAP=1 cargo|server/\S+\.sh"
    r"|tests/\S+\.sh|fuzz/\S+\.sh|bindings/\S+\.sh|node |npm |npx |pip |python3? "
    r"|go (run|build|get|test|vet|mod)|target/picket-server)"
)


def readme_commands(text: str) -> tuple[dict[str, list[str]], list[str]]:
    """The sh blocks' lines by heading, and the inline commands in order of appearance."""
    blocks: dict[str, list[str]] = {}
    inline: list[str] = []
    heading = ""
    paragraph: list[str] = []

    def spans() -> None:
        # A code span may run over a line break (Markdown joins the lines with a space), so
        # spans are read per paragraph: a command wrapped in the README is a command too.
        for span in re.findall(r"`([^`]+)`", "\n".join(paragraph)):
            span = " ".join(span.split())
            if COMMAND_START.match(span) and span not in inline:
                inline.append(span)
        paragraph.clear()

    # blocks.py's rule of what is a heading and what a block, shared with every README test.
    for kind, info, line in lines_outside(text):
        if kind == "text" and line.strip():
            paragraph.append(line)
            continue
        spans()
        if kind == "heading":
            heading = line.strip()
        elif kind == "code" and info == "sh" and line.strip():
            blocks.setdefault(heading, []).append(line)
    spans()
    return blocks, inline


def manifest(path: Path) -> list[tuple[str, str, str, str]]:
    """(command or § heading, runner, kind, needle) per line of commands.tsv."""
    rows = []
    for number, line in enumerate(path.read_text().split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or fields[2] not in KINDS:
            sys.exit(
                f"{path.name}:{number}: want COMMAND<TAB>RUNNER<TAB>KIND[<TAB>NEEDLE], KIND one of {KINDS}"
            )
        command, runner, kind = fields[:3]
        needle = fields[3] if len(fields) == 4 else command.removeprefix("§ ")
        rows.append((command, runner, kind, needle))
    return rows


def main() -> int:
    blocks, inline = readme_commands((REPO / "README.md").read_text())
    shown = [f"§ {h}" for h in blocks] + inline
    rows = manifest(Path(__file__).with_name("commands.tsv"))
    problems = []
    listed = {command for command, _, _, _ in rows}
    for command in shown:
        if command not in listed:
            problems.append(
                f"README shows {command!r}, which no entry of commands.tsv gives a runner"
            )
    for command, runner, kind, needle in rows:
        if command not in shown:
            problems.append(
                f"commands.tsv lists {command!r}, which the README no longer shows"
            )
        file = REPO / runner
        if not file.is_file():
            problems.append(f"{command!r}: runner {runner} does not exist")
        elif needle not in file.read_text():
            problems.append(f"{command!r}: {runner} does not contain {needle!r}")
    for problem in problems:
        print(f"FAIL: {problem}")
    tally = {kind: sum(1 for _, _, k, _ in rows if k == kind) for kind in KINDS}
    lines = sum(len(v) for v in blocks.values())
    print(
        f"README commands: {len(blocks)} sh blocks ({lines} lines) and {len(inline)} inline; "
        + ", ".join(f"{n} {kind}" for kind, n in tally.items())
    )
    print(f"{len(shown)} commands, {len(rows)} entries: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
