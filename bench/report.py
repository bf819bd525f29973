#!/usr/bin/env python3
"""bench/report.py: builds the benchmark table from the figures each part printed.

    bench/report.py [--title TEXT]... [--out FILE.md] PART_OUTPUT...

Every part of bench/run.sh prints its figures as JSON lines, one object per figure:

    {"figure": "<unique label>", "value": <number>, "unit": "ns", "reference": "<label>" | null,
     "target_ratio": <number> | null, "note": "..."}

A target is met when value / (the reference's value) <= target_ratio. In a part's output,
every line that starts with "{" is a figure and every other line is ignored (the parts also
print text for people). One format is read besides: the standard output of `go test -bench`
(https://go.dev/design/14313-benchmark-format), whose lines start with "Benchmark"; each
benchmark becomes the figure "go <name>" with the median ns/op of its runs (and "go <name>,
CPU time" from cpu-ns/op when reported). The Go pairs are compared here, the binding against
the idiom.

Prints the table in markdown (also written to --out), then "targets missed: N". Exit status:
0, or 1 if a figure is malformed, a label repeats, or a reference names no figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

KEYS = ("figure", "value", "unit", "reference", "target_ratio", "note")

# The Go benchmarks compared, and the targets (bindings/go/bench_test.go).
GO_PAIRS = {
    "Authenticate": ("Idiom", 1.0),
    "AuthenticateUnknownKey": ("Authenticate", None),
    "CgoOverhead": ("Authenticate", None),
    "AuthenticateParallel": ("Authenticate", None),
}


@dataclass
class Figure:
    figure: str
    value: float
    unit: str
    reference: str | None
    target_ratio: float | None
    note: str
    source: str


def parse_json_line(line: str, source: str) -> Figure:
    obj = json.loads(line)
    if not isinstance(obj, dict) or sorted(obj) != sorted(KEYS):
        raise ValueError(f"expected exactly the keys {KEYS}")
    if not isinstance(obj["figure"], str) or not obj["figure"]:
        raise ValueError("figure must be a non-empty string")
    value = obj["value"]
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
    ):
        raise ValueError("value must be a finite number")
    if obj["reference"] is not None and not isinstance(obj["reference"], str):
        raise ValueError("reference must be a string or null")
    target = obj["target_ratio"]
    if target is not None and (
        isinstance(target, bool) or not isinstance(target, (int, float))
    ):
        raise ValueError("target_ratio must be a number or null")
    return Figure(
        obj["figure"],
        float(value),
        str(obj["unit"]),
        obj["reference"],
        None if target is None else float(target),
        str(obj["note"]),
        source,
    )


def go_figures(lines: list[str], source: str) -> list[Figure]:
    """Figures from `go test -bench` output: the median over runs of each benchmark."""
    runs: dict[str, dict[str, list[float]]] = {}
    for line in lines:
        fields = line.split()
        if not fields or not fields[0].startswith("Benchmark") or len(fields) < 4:
            continue
        name = fields[0][len("Benchmark") :].rsplit("-", 1)[0]
        # Name, iterations, then value/unit pairs.
        for value, unit in zip(fields[2::2], fields[3::2]):
            try:
                runs.setdefault(name, {}).setdefault(unit, []).append(float(value))
            except ValueError:
                pass
    out: list[Figure] = []
    for name, units in runs.items():
        ref, target = GO_PAIRS.get(name, (None, None))
        for unit, label_suffix in (("ns/op", ""), ("cpu-ns/op", ", CPU time")):
            if unit not in units:
                continue
            values = units[unit]
            reference = None if ref is None else f"go {ref}{label_suffix}"
            out.append(
                Figure(
                    f"go {name}{label_suffix}",
                    statistics.median(values),
                    "ns",
                    reference,
                    target,
                    f"median of {len(values)} runs of go test -bench",
                    source,
                )
            )
        if "B/op" in units:
            out.append(
                Figure(
                    f"go {name}, heap per call",
                    statistics.median(units["B/op"]),
                    "B",
                    None,
                    None,
                    "go test -benchmem",
                    source,
                )
            )
    return out


def read(paths: list[Path]) -> list[Figure]:
    figures: list[Figure] = []
    for path in paths:
        lines = path.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            if line.startswith("{"):
                try:
                    figures.append(parse_json_line(line, path.name))
                except ValueError as e:  # json.JSONDecodeError is a ValueError
                    raise SystemExit(
                        f"report.py: {path}:{number}: not a figure: {e}: {line}"
                    )
        figures.extend(go_figures(lines, path.name))
    return figures


def fmt(value: float, unit: str) -> str:
    return f"{value:,.1f} {unit}" if value < 1000 else f"{value:,.0f} {unit}"


def table(figures: list[Figure]) -> tuple[list[str], list[str], list[str]]:
    by_label: dict[str, Figure] = {}
    errors: list[str] = []
    for f in figures:
        if f.figure in by_label:
            errors.append(
                f"figure {f.figure!r} appears twice ({by_label[f.figure].source}, {f.source})"
            )
        by_label[f.figure] = f
    rows = [("figure", "value", "reference", "ratio", "target", "met")]
    missed = []
    for f in figures:
        ref = by_label.get(f.reference) if f.reference else None
        if f.reference and ref is None:
            errors.append(
                f"{f.figure!r}: reference {f.reference!r} is not a figure of this run"
            )
        ratio = f.value / ref.value if ref and ref.value else None
        if f.target_ratio is None:
            target, met = "-", "-"
        elif ratio is None:
            target, met = f"<= {f.target_ratio:.2f} x", "?"
        else:
            target = f"<= {f.target_ratio:.2f} x"
            met = "yes" if ratio <= f.target_ratio else "NO"
            if met == "NO":
                missed.append(f.figure)
        rows.append(
            (
                f.figure + (f" ({f.note})" if f.note else ""),
                fmt(f.value, f.unit),
                f"{ref.figure}: {fmt(ref.value, ref.unit)}"
                if ref
                else (f.reference or "-"),
                "-" if ratio is None else f"{ratio:.2f}",
                target,
                met,
            )
        )
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "|".join(" --- " for _ in rows[0]) + "|")
    return lines, missed, errors


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--title", action="append", default=[], help="a line printed above the table"
    )
    parser.add_argument("--out", type=Path, help="also write the markdown here")
    parser.add_argument("parts", nargs="+", type=Path, help="the output of each part")
    args = parser.parse_args(argv)
    lines, missed, errors = table(read([p for p in args.parts if p.exists()]))
    text = "\n\n".join(args.title + ["\n".join(lines)])
    text += (
        f"\n\ntargets missed: {len(missed)}"
        + (": " + "; ".join(missed) if missed else "")
        + "\n"
    )
    for e in errors:
        text += f"error: {e}\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
