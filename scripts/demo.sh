#!/usr/bin/env bash
# The main job: a walk through one project with picket-core.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q --release -p picket-core --example tour
