"""The sizes README.md's "Release artifacts" table states are those of the artifacts in dist/.

    python3 scripts/dist/check-sizes.py [DIST]      after make dist (DIST: default dist/)

Each row of the table names an artifact (its first column, in backticks; for the Go proxy
directory, its .zip) and states its size in MB (the last column, "1.2 MB", 10^6 bytes).
The size in dist/ must be within 10% of the stated one, so that the table is kept true as
the code grows; every artifact of dist/ but SHA256SUMS must have a row. Prints each
artifact's size; exit 1 on any disagreement.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "readme"))
from blocks import lines_outside  # the one reader of README structure

REPO = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([^`]+)` \|.*\| ([0-9.]+) MB( \(zip\))? \|$")
TOLERANCE = 0.10


def stated_sizes(readme: str) -> dict[str, float]:
    """{artifact path in dist/: stated MB} from the table of "## Release artifacts"."""
    sizes: dict[str, float] = {}
    inside = False
    for kind, _, line in lines_outside(readme):
        if kind == "heading":
            inside = line == "## Release artifacts"
        elif inside and kind == "text":
            match = ROW.match(line)
            if match:
                name = match.group(1)
                if name.endswith("/"):  # the Go proxy's directory: its module zip
                    name += "v" + version() + ".zip"
                sizes[name] = float(match.group(2))
    return sizes


def version() -> str:
    match = re.search(
        r'^version = "([0-9.]+)"$', (REPO / "Cargo.toml").read_text(), re.MULTILINE
    )
    assert match, "no version in Cargo.toml"
    return match.group(1)


def main() -> int:
    dist = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "dist"
    stated = stated_sizes((REPO / "README.md").read_text(encoding="utf-8"))
    problems = [] if stated else ["README.md's Release artifacts table states no size"]
    for name, mb in stated.items():
        path = dist / name
        if not path.is_file():
            problems.append(f"{name}: in the README's table, not in {dist}")
            continue
        actual = path.stat().st_size / 1e6
        verdict = "ok" if abs(actual - mb) <= TOLERANCE * mb else "FAIL"
        print(f"{verdict}: {name}: {actual:.3f} MB, the README says {mb} MB")
        if verdict == "FAIL":
            problems.append(
                f"{name} is {actual:.2f} MB; the README says {mb} MB (more than 10% off)"
            )
    listed = {Path(n).name for n in stated}
    for path in sorted(dist.iterdir()):
        if path.is_file() and path.name != "SHA256SUMS" and path.name not in listed:
            problems.append(
                f"{path.name}: in {dist}, without a row in the README's table"
            )
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
