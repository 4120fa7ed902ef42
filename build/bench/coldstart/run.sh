#!/usr/bin/env bash
# Cold-start timings of the Docker client, one fresh process per run (see Program.cs), for one or more builds of
# this tool side by side, interleaved so that the machine's load hits them alike. Prints min and median per step.
#
#   bash build/bench/coldstart/run.sh build DIR          build this tool (and src/FileSync.Core as it is now) into DIR
#   bash build/bench/coldstart/run.sh [-n N] DIR...      N runs (default 20) of each DIR's build against one container
#
# Needs a Docker engine (DOCKER_HOST or the local socket), the image filesync-test:busybox (build/setup-docker.sh) and
# GNU time (/usr/bin/time) for the CPU time of the whole process ("process.cpu"; the other .cpu rows are in-process).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)

if [ "${1:-}" = build ]; then
  [ $# = 2 ] || { echo "usage: run.sh build DIR" >&2; exit 2; }
  exec dotnet build "$HERE" -c Release -o "$2" --artifacts-path "$(mktemp -d)" -nologo -v q
fi

N=20
if [ "${1:-}" = -n ]; then N=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: run.sh [-n N] DIR... | run.sh build DIR" >&2; exit 2; }
for dir in "$@"; do [ -f "$dir/coldstart.dll" ] || { echo "run.sh: no coldstart.dll in $dir (run.sh build $dir)" >&2; exit 2; }; done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
OUT=$(mktemp -d)
ID=$(docker run -d --network none --label filesync-coldstart=1 "${FILESYNC_TEST_IMAGE:-filesync-test:busybox}")
trap 'docker rm -f "$ID" >/dev/null; rm -rf "$OUT"' EXIT

for ((i = 0; i < N; i++)); do
  for ((k = 1; k <= $#; k++)); do
    dir=${!k}
    t0=$(date +%s%N)
    line=$(/usr/bin/time -f '%U %S' -o "$OUT/cpu" dotnet "$dir/coldstart.dll" "$ID")
    t1=$(date +%s%N)
    echo "$line process=$(((t1 - t0) / 1000000)) process.cpu=$(awk '{print ($1 + $2) * 1000}' "$OUT/cpu")" >>"$OUT/$k"
  done
done

# One table: a row per step, min / median per build.
printf '%-9s' step
for ((k = 1; k <= $#; k++)); do printf ' | %-22s' "$(basename "${!k}") min / med"; done
echo
for step in create inspect put exec total process create.cpu inspect.cpu put.cpu exec.cpu total.cpu process.cpu; do
  printf '%-9s' "$step"
  for ((k = 1; k <= $#; k++)); do
    tr ' ' '\n' <"$OUT/$k" | awk -F= -v s="$step" '$1 == s {print $2}' | sort -n |
      awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf " | %8.1f / %-11.1f", v[1], m}'
  done
  echo
done
echo "($N runs each, interleaved; load average $(cut -d' ' -f1-3 /proc/loadavg))"
