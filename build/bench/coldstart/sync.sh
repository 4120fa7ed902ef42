#!/usr/bin/env bash
# The whole process, as a user sees it: `dotnet build -t:SyncToContainer` of one changed file, with one or more builds of
# the task (FileSyncTasksAssembly), side by side and interleaved, next to `dotnet build -t:Empty` and `docker cp` of the
# same file. Prints min / median per case: wall time, CPU time (user + system, all threads), and the SyncFiles task's
# time from MSBuild's performance summary (its part of the process, less noisy than the whole).
#
#   bash build/bench/coldstart/sync.sh build DIR          build src/FileSync.Tasks as it is now (Release) into DIR
#   bash build/bench/coldstart/sync.sh [-n N] DIR...      N runs (default 15) of each DIR/FileSync.Tasks.dll
#
# The project imports this repository's build/FileSync.props and .targets (copied, so edits made meanwhile do not
# mix in). Needs a Docker engine and the image filesync-test:busybox (build/setup-docker.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One cold process per build, as on a developer's first build of the day; no node stays behind.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
unset CI ContinuousIntegrationBuild

if [ "${1:-}" = build ]; then
  [ $# = 2 ] || { echo "usage: sync.sh build DIR" >&2; exit 2; }
  exec dotnet build "$REPO/src/FileSync.Tasks" -c Release -o "$2" --artifacts-path "$(mktemp -d)" -nologo -v q
fi

N=15
if [ "${1:-}" = -n ]; then N=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: sync.sh [-n N] DIR... | sync.sh build DIR" >&2; exit 2; }
for dir in "$@"; do [ -f "$dir/FileSync.Tasks.dll" ] || { echo "sync.sh: no FileSync.Tasks.dll in $dir" >&2; exit 2; }; done

WORK=$(mktemp -d)
ID=$(docker run -d --network none --label filesync-coldstart=1 "${FILESYNC_TEST_IMAGE:-filesync-test:busybox}")
trap 'docker rm -f "$ID" >/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/p/wwwroot/js" "$WORK/filesync" "$WORK/times"
cp "$REPO/build/FileSync.props" "$REPO/build/FileSync.targets" "$WORK/filesync/"
cat >"$WORK/p/p.csproj" <<XML
<Project>
  <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
  <Import Project="$WORK/filesync/FileSync.props" />
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <FileSyncContainer>$ID</FileSyncContainer>
  </PropertyGroup>
  <ItemGroup>
    <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
  </ItemGroup>
  <Target Name="Empty" />
  <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
  <Import Project="$WORK/filesync/FileSync.targets" />
</Project>
XML
echo 'namespace Bench; public static class Lib { public static int Answer => 42; }' >"$WORK/p/Lib.cs"
changed=$WORK/p/wwwroot/js/page.js
echo 'console.log("first");' >"$changed"
build() { dotnet build "$WORK/p" --no-restore -nologo -tl:off -clp:PerformanceSummary "$@"; }
export -f build
export WORK
dotnet restore "$WORK/p" -nologo -v q >/dev/null
# The first sync sends the file and resolves the container's user; every measured run then sends one changed file.
build -t:SyncToContainer "-p:FileSyncTasksAssembly=$1/FileSync.Tasks.dll" >"$WORK/log" 2>&1 || { tail -n 30 "$WORK/log" >&2; exit 1; }

REV=0
timed() { # CASE CMD...: wall ms to times/CASE, CPU ms to times/CASE.cpu, the SyncFiles task's ms to times/CASE.task
  local name=$1 t0 t1
  shift
  REV=$((REV + 1))
  printf 'console.log("rev %08d");\n' "$REV" >"$changed"
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$WORK/cpu" bash -c '"$@"' timed "$@" >"$WORK/log" 2>&1 || { tail -n 30 "$WORK/log" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000)) >>"$WORK/times/$name"
  awk '{print ($1 + $2) * 1000}' "$WORK/cpu" >>"$WORK/times/$name.cpu"
  awk '/Task Performance Summary:/ {t = 1} t && $3 == "SyncFiles" {print $1}' "$WORK/log" >>"$WORK/times/$name.task"
}
for ((i = 0; i < N; i++)); do
  timed empty build -t:Empty
  for ((k = 1; k <= $#; k++)); do
    timed "sync$k" build -t:SyncToContainer "-p:FileSyncTasksAssembly=${!k}/FileSync.Tasks.dll"
  done
  timed docker-cp docker cp "$changed" "$ID:/app/wwwroot/js/"
done

stats() { sort -n "$1" | awk '{v[NR] = $1} END {if (NR == 0) {print "             "; exit} m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%6d / %-6d", v[1], m}'; }
row() { printf '%-52s  %s  %s  %s\n' "$1" "$(stats "$WORK/times/$2")" "$(stats "$WORK/times/$2.cpu")" "$(stats "$WORK/times/$2.task")"; }
printf '%-52s  %-15s  %-15s  %s\n' 'case (min / median ms)' wall cpu 'SyncFiles task'
row '`dotnet build -t:Empty`' empty
for ((k = 1; k <= $#; k++)); do
  row "\`-t:SyncToContainer\`, $(basename "${!k}")" "sync$k"
done
row '`docker cp`' docker-cp
echo "($N runs each, interleaved; load average $(cut -d' ' -f1-3 /proc/loadavg))"
