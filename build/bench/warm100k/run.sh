#!/usr/bin/env bash
# The warm one-change sync of a 100,000-file context on the sync server (see Program.cs), built from this checkout's
# src/FileSync.Core, or from a commit's (BENCH_REF=<commit>: exported with `git archive`, this harness copied beside it).
#
#   bash build/bench/warm100k/run.sh [dir|docker] [rounds] [files]     default: dir, 9 rounds, 100000 files
#
# dir: into a folder (FileSyncRuntime=directory: the server's own work, no engine); docker: into a fresh container of
# the test image (started with --network none, removed at the end by its id). Prints one line per round and the medians.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
KIND=${1:-dir}
ROUNDS=${2:-9}
FILES=${3:-100000}
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-warm100k-run.XXXXXX)
CONTAINER=
cleanup() {
  if [ -n "$CONTAINER" ]; then docker rm -f "$CONTAINER" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

SRC=$REPO
if [ -n "${BENCH_REF:-}" ]; then
  mkdir -p "$WORK/src"
  git -C "$REPO" archive "$BENCH_REF" | tar -x -C "$WORK/src"
  mkdir -p "$WORK/src/build/bench/warm100k"
  cp "$HERE/Program.cs" "$HERE/warm100k.csproj" "$WORK/src/build/bench/warm100k/"
  grep -q FileSync.Bench.Warm100k "$WORK/src/Directory.Build.targets" \
    || sed -i 's|<InternalsVisibleTo Include="FileSync.Bench.State" />|&<InternalsVisibleTo Include="FileSync.Bench.Warm100k" />|' "$WORK/src/Directory.Build.targets"
  SRC=$WORK/src
fi

dotnet build "$SRC/build/bench/warm100k" -c Release -o "$WORK/bin" --artifacts-path "$WORK/artifacts" -nologo -v q >"$WORK/build.log" 2>&1 \
  || { tail -n 30 "$WORK/build.log" >&2; exit 1; }
if [ "$KIND" = docker ]; then
  CONTAINER=$(docker run -d --network none --label filesync-bench=1 "${FILESYNC_TEST_IMAGE:-filesync-test:busybox}")
  TARGET=$CONTAINER
else
  mkdir -p "$WORK/target"
  TARGET=dir:$WORK/target
fi

echo "(${BENCH_REF:+commit $BENCH_REF, }$KIND, load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
TMPDIR=$WORK dotnet "$WORK/bin/FileSync.Bench.Warm100k.dll" run "$TARGET" "$ROUNDS" "$FILES" 2>"$WORK/detail.log" \
  || { tail -n 40 "$WORK/detail.log" >&2; exit 1; }
grep -v '^  |' "$WORK/detail.log" >&2 || true
echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
