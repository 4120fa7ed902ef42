#!/usr/bin/env bash
# Save -> readable in the container under `dotnet watch build -t:SyncToContainer`: a consumer project of the packed
# package, a running container, one `dotnet watch` for the whole run; each save writes new content into a rule's file,
# and the time until the container's file system holds exactly that content is read through /proc/<pid>/root (no
# docker CLI in the loop). The next save waits until dotnet watch is idle again (the build's summary line and its
# "waiting for a file to change"). Prints every save, then the median and p95.
#
#   bash build/bench/dotnet-watch.sh [-n N] [-- WATCH_OPTIONS...]
#       -n N            saves (default 15; the first is not counted: the first build after the start pays JIT and disk)
#       WATCH_OPTIONS   extra options for dotnet watch before `build`, e.g. `-- --no-restore`
#   FILESYNC_PACKAGE_DIR=DIR  use the FileSync package in DIR instead of packing src/FileSync.Tasks
#
# Needs a Docker engine and the image filesync-test:busybox (build/setup-docker.sh); as root (reads /proc/<pid>/root).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=15
if [ "${1:-}" = -n ]; then N=$2; shift 2; fi
if [ "${1:-}" = -- ]; then shift; fi
WATCH_OPTIONS=("$@")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_WATCH_SUPPRESS_EMOJIS=1
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
unset CI ContinuousIntegrationBuild
. "$(dirname "$0")/../private-sync-server.sh" # the saves' syncs run on a sync server of this run's own, ended at exit

WORK=$(mktemp -d /var/tmp/filesync-dotnet-watch-bench.XXXXXX)
NAME=filesync-dotnet-watch-bench-$$
WATCH=
cleanup() {
  # The watch was started in its own process group (setsid): end that group, by its id, and nothing else.
  if [ -n "$WATCH" ]; then kill -TERM -- "-$WATCH" 2>/dev/null || true; wait "$WATCH" 2>/dev/null || true; fi
  docker rm -f "$NAME" >/dev/null 2>&1 || true
  end_sync_servers
  rm -rf "$WORK"
}
trap cleanup EXIT

. "$REPO/build/bench/package.sh"
bench_package "$WORK" "$REPO"
PACKAGES=$FEED

docker run -d --name "$NAME" --network none "${FILESYNC_TEST_IMAGE:-filesync-test:busybox}" sleep 1000000 >/dev/null
PID=$(docker inspect -f '{{.State.Pid}}' "$NAME")

P=$WORK/app
mkdir -p "$P/wwwroot"
for stop in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$P/$stop"; done
cat >"$P/NuGet.config" <<EOF
<configuration>
  <packageSources><clear /><add key="filesync" value="$PACKAGES" /></packageSources>
  <config><add key="globalPackagesFolder" value="$WORK/packages" /></config>
</configuration>
EOF
cat >"$P/app.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <FileSyncContainer>$NAME</FileSyncContainer>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FileSync" Version="$VERSION" PrivateAssets="all" />
    <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
  </ItemGroup>
</Project>
EOF
echo 'namespace Bench; public static class Lib { public static int Answer => 42; }' >"$P/Lib.cs"
page=$P/wwwroot/page.txt
in_container=/proc/$PID/root/app/wwwroot/page.txt
echo 'rev 0' >"$page"
dotnet restore "$P" -nologo -v q >"$WORK/restore.log" 2>&1 || { tail -n 30 "$WORK/restore.log" >&2; exit 1; }

LOG=$WORK/watch.log
(cd "$P" && exec setsid dotnet watch "${WATCH_OPTIONS[@]}" build -t:SyncToContainer) >"$LOG" 2>&1 </dev/null &
WATCH=$!

summaries() { grep -c 'FileSync: ' "$LOG" || true; }
# Idle: at least $1 summary lines, and dotnet watch's last word is that it waits for a change.
wait_idle() {
  local deadline=$((SECONDS + 120))
  until [ "$(summaries)" -ge "$1" ] && tail -n 1 "$LOG" | grep -q 'Waiting for a file to change'; do
    [ $SECONDS -lt $deadline ] || { echo "dotnet watch did not finish a sync within 120 s:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    kill -0 "$WATCH" 2>/dev/null || { echo "dotnet watch exited:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    sleep 0.02
  done
}
wait_idle 1
[ "$(cat "$in_container")" = 'rev 0' ] || { echo "the first sync did not land" >&2; exit 1; }

TIMES=()
for ((i = 1; i <= N; i++)); do
  before=$(summaries)
  content="rev $i $(date +%s%N)"
  t0=$(date +%s%N)
  printf '%s\n' "$content" >"$page"
  until [ "$(cat "$in_container" 2>/dev/null)" = "$content" ]; do
    [ $(($(date +%s%N) - t0)) -lt 60000000000 ] || { echo "save $i not in the container after 60 s" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    sleep 0.002
  done
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "save $i: ${ms} ms"
  [ "$i" = 1 ] || TIMES+=("$ms")
  wait_idle $((before + 1))
done
builds=$(summaries)
[ "$builds" = $((N + 1)) ] || echo "note: $builds syncs for $N saves + the start (a save that triggers more than one build?)"

sorted=$(printf '%s\n' "${TIMES[@]}" | sort -n)
count=${#TIMES[@]}
median=$(echo "$sorted" | awk -v n="$count" 'NR == int((n + 1) / 2) {a = $1} NR == int(n / 2) + 1 {b = $1} END {print (n % 2) ? a : (a + b) / 2}')
p95=$(echo "$sorted" | awk -v n="$count" 'BEGIN {k = int(n * 0.95 + 0.999)} NR == k {print $1}')
echo "dotnet watch ${WATCH_OPTIONS[*]} build -t:SyncToContainer: save -> readable in the container, $count saves: median ${median} ms, p95 ${p95} ms, min $(echo "$sorted" | head -n 1) ms (load average $(cut -d' ' -f1-3 /proc/loadavg))"
