#!/usr/bin/env bash
# The state's load and save for a one-file sync over a large context (see Program.cs), built from src/FileSync.Core as
# it is now. Compare two checkouts by running this script from each.
#
#   bash build/bench/state/run.sh [entries] [rounds]      default 100000 entries, 21 rounds (the first is not counted)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
dotnet build "$HERE" -c Release -o "$OUT/bin" --artifacts-path "$OUT/artifacts" -nologo -v q >/dev/null
dotnet "$OUT/bin/FileSync.Bench.State.dll" "$@"
echo "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
