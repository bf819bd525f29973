#!/usr/bin/env bash
# Runs picket-core's Rust benchmarks and prints the table of figures, ratios and targets.
#
#   bench/rust-summary.sh                      run both benchmark binaries, then the table
#   bench/rust-summary.sh --parse CORE MEMORY  the table from saved outputs of
#                                              `cargo bench -p picket-core --bench core -- --color never`
#                                              and `--bench registry_memory`
#   --strict                                   exit 1 when a target is missed
#   --stat fastest                             use divan's fastest sample instead of the
#                                              median (steadier on a busy machine)
#
# Times are divan's medians in ns (or fastest samples, with --stat fastest). A ratio is figure / reference, both from the same run.
# "Costs no more than success" is judged with a 5% allowance for run-to-run noise.
set -euo pipefail
cd "$(dirname "$0")/.."

strict=0
stat=median
core=""
memory=""
while [ $# -gt 0 ]; do
  case "$1" in
    --strict) strict=1; shift ;;
    --stat) stat="$2"; shift 2 ;;
    --parse) core="$2"; memory="$3"; shift 3 ;;
    *) echo "usage: bench/rust-summary.sh [--strict] [--stat median|fastest] [--parse CORE_OUTPUT MEMORY_OUTPUT]" >&2; exit 2 ;;
  esac
done

if [ -z "$core" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  core="$dir/core.txt"
  memory="$dir/memory.txt"
  echo "==> cargo bench -p picket-core --bench core" >&2
  cargo bench -q -p picket-core --bench core -- --color never >"$core"
  echo "==> cargo bench -p picket-core --bench registry_memory" >&2
  cargo bench -q -p picket-core --bench registry_memory >"$memory"
fi

case "$stat" in median|fastest) ;; *) echo "--stat is median or fastest" >&2; exit 2 ;; esac

python3 - "$core" "$memory" "$strict" "$stat" <<'EOF'
import re
import sys

core_path, memory_path, strict, stat = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
TIME = r"([\d.]+) (ps|ns|µs|us|ms|s)\s+"
ROW = re.compile(
    r"^(?P<prefix>[│├╰─ ]*)(?P<name>\S+)\s+"
    + TIME + "│ " + TIME + "│ " + TIME + "│ " + TIME + r"│\s+\d+\s+│\s+\d+\s*$"
)
# A group, or the first line (the binary's name and the column headings).
GROUP = re.compile(r"^(?P<prefix>[│├╰─ ]*)(?P<name>\S+)\s+(│|fastest)")

def parse_divan(path):
    """The chosen statistic, in ns, of each benchmark by path (group/bench/arg), from
    divan's tree output (columns: fastest, slowest, median, mean)."""
    medians, stack = {}, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = ROW.match(line) or GROUP.match(line)
        if not m:
            continue
        depth = len(m.group("prefix")) // 3
        stack[depth:] = [m.group("name")]
        if m.re is ROW:
            col = 1 if stat == "fastest" else 3
            value, unit = m.group(2 * col + 1), m.group(2 * col + 2)
            medians["/".join(stack[1:])] = float(value) * UNITS[unit]
    return medians

def parse_memory(path):
    figures = {}
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) == 4 and parts[0] == "figure":
            figures[parts[1]] = float(parts[2])
    return figures

t = parse_divan(core_path)
mem = parse_memory(memory_path)
rows, missed = [], []

def need(name):
    if name not in t:
        sys.exit(f"rust-summary: no benchmark named {name} in {core_path}")
    return t[name]

def ns(v):
    return f"{v:,.1f}" if v < 1000 else f"{v:,.0f}"

def ratio_row(label, name, ref_name, limit=None, note=""):
    v, r = need(name), need(ref_name)
    ratio = v / r
    met = "-" if limit is None else ("yes" if ratio <= limit else "NO")
    if met == "NO":
        missed.append(label)
    target = "-" if limit is None else f"<= {limit:.2f} x"
    rows.append((label, ns(v), ref_name + note, f"{ratio:.2f}", target, met))

def plain_row(label, name):
    rows.append((label, ns(need(name)), "-", "-", "-", "-"))

def value_row(label, value, unit, limit=None):
    met = "-" if limit is None else ("yes" if value <= limit else "NO")
    if met == "NO":
        missed.append(label)
    target = "-" if limit is None else f"<= {limit:g} {unit}"
    rows.append((label, f"{value:,.2f} {unit}", "-", "-", target, met))

plain_row("floor: base64 decode (48 B) + SHA-256 (35 B)", "floor")
ratio_row("authenticate, valid key", "auth/valid", "floor", 1.15)
ratio_row("authenticate, 1,000 keys (4,096 headers)", "auth/keys/1000", "floor")
ratio_row("authenticate, 100,000 keys", "auth/keys/100000", "auth/keys/1000")
ratio_row("authenticate, 1,000,000 keys", "auth/keys/1000000", "auth/keys/1000", 1.2)
for name, label in [
    ("reject_bad_header", "reject: malformed base64"),
    ("reject_unknown_key", "reject: unknown key"),
    ("reject_wrong_kind", "reject: wrong kind"),
    ("reject_expired", "reject: expired"),
]:
    ratio_row(label, "auth/" + name, "auth/valid", 1.05)
value_row("build 1,000,000-key registry (median of 10)", need("build/registry_1m") / 1e6, "ms", 500)
if mem:
    n = int(mem.get("registry_keys", 0))
    if n != 1_000_000:
        print(f"note: registry_memory measured {n} keys, not 1,000,000", file=sys.stderr)
    value_row("key index bytes per key (key_index_bytes / n)", mem["key_index_bytes_per_key"], "B/key", 96)
    value_row("peak heap during build, per key", mem["build_peak_heap_bytes_per_key"], "B/key", 96)
    value_row("heap retained by the registry, per key", mem["retained_heap_bytes_per_key"], "B/key")
    value_row("peak heap during build without reserve_keys", mem["build_peak_heap_bytes_per_key_no_reserve"], "B/key")
    value_row("build time, best of 3 (registry_memory)", mem["build_seconds"] * 1000, "ms", 500)
ratio_row("redirect match, 1 entry", "redirect/matches/1", "redirect/siphash", 1.5)
ratio_row("redirect match, 10 entries", "redirect/matches/10", "redirect/matches/1")
ratio_row("redirect match, 1,000 entries", "redirect/matches/1000", "redirect/matches/1")
ratio_row("redirect match, 10,000 entries", "redirect/matches/10000", "redirect/matches/1", 1.2)
ratio_row("redirect match, 10,000 entries vs hash", "redirect/matches/10000", "redirect/siphash", 1.5)
plain_row("reference: SipHash of the candidate", "redirect/siphash")
plain_row("reference: dependent random read in 64 MiB", "reference/random_read_64mib")
extra = need("auth/keys/1000000") - need("auth/keys/1000")
rows.append(("auth 1,000,000 minus 1,000 keys, in random reads", ns(extra),
             "reference/random_read_64mib", f"{extra / need('reference/random_read_64mib'):.2f}", "-", "-"))
for name in ["key_parse", "digest", "verify", "parse_authorization", "validate_redirect_uri",
             "verify_pkce", "redact_with_secret", "redact_clean"]:
    plain_row("ops/" + name, "ops/" + name)

print(f"statistic: {stat} of each benchmark's samples")
head = ("figure", "ns", "reference", "ratio", "target", "met?")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
def show(r):
    print("  ".join(c.ljust(w) if i in (0, 2, 4) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
show(head)
show(tuple("-" * w for w in widths))
for r in rows:
    show(r)
print()
print(f"targets missed: {len(missed)}" + (": " + "; ".join(missed) if missed else ""))
sys.exit(1 if strict and missed else 0)
EOF
