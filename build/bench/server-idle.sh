#!/usr/bin/env bash
# The resident sync server at rest with a big context watched: its RSS and CPU while nothing happens.
#
#   bash build/bench/server-idle.sh [files] [idle-seconds]      default: 100000 files, 60 s
#
# A consumer project whose one rule covers FILES small files syncs them once into a fresh container of the test image
# (started with --network none, removed at the end by its id) on the sync server, then once more with nothing changed
# (the server now watches the context and holds its state); then the server is left alone for IDLE seconds and its
# VmRSS and the CPU time it used (utime + stime from /proc/<pid>/stat) are read before and after. The server is ended
# with -t:FileSyncShutdown, and by its pid. FILESYNC_PACKAGE_DIR: a packed feed (else this tree is packed).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FILES=${1:-100000}
IDLE=${2:-60}
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-server-idle.XXXXXX)
CONTAINER=
SERVER_PID=
export FILESYNC_SERVER_DIR=$WORK/srv
mkdir -m 700 "$FILESYNC_SERVER_DIR"
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$CONTAINER" ]; then docker rm -f "$CONTAINER" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK" 2>/dev/null || true
}
trap cleanup EXIT

# shellcheck source=build/bench/package.sh
. "$HERE/package.sh"
bench_package "$WORK" "$REPO"

PROJ=$WORK/proj
mkdir -p "$PROJ/tree"
cat >"$PROJ/nuget.config" <<EOF
<configuration><packageSources><clear /><add key="feed" value="$FEED" /></packageSources></configuration>
EOF
cat >"$PROJ/proj.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><RestorePackagesPath>$WORK/packages</RestorePackagesPath></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FileSync" Version="$VERSION" />
    <FileSyncRule Include="tree/**/*" Dest="/app/tree" Strip="tree/" />
  </ItemGroup>
</Project>
EOF
(cd "$PROJ/tree" && for ((d = 0; d < FILES / 1000; d++)); do mkdir "d$d"; for ((f = 0; f < 1000; f++)); do echo "$d $f" >"d$d/f$f.txt"; done; done)

CONTAINER=$(docker run -d --network none filesync-test:busybox sleep 86400)
sync() { dotnet build "$PROJ/proj.csproj" -t:SyncToContainer --no-restore -nologo -tl:off -v:n -p:FileSyncServer=true -p:FileSyncContainer="$CONTAINER" | grep -E "FileSync: |error" || true; }
dotnet restore "$PROJ/proj.csproj" -nologo -v q >/dev/null
echo "first sync of $FILES files:"; sync
echo "nothing changed:"; sync
SERVER_PID=$(cat "$FILESYNC_SERVER_DIR"/*.pid)

cpu() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
rss() { awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$SERVER_PID/status"; }
hz=$(getconf CLK_TCK)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rss0=$(rss); cpu0=$(cpu)
sleep "$IDLE"
rss1=$(rss); cpu1=$(cpu)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
used_ms=$(( (cpu1 - cpu0) * 1000 / hz ))
echo "server pid $SERVER_PID, $FILES files watched, idle $IDLE s: RSS $rss0 MB -> $rss1 MB; CPU used $used_ms ms = $(awk -v u="$used_ms" -v s="$IDLE" 'BEGIN { printf "%.3f", u / (s * 10) }') % of one core"
dotnet build "$PROJ/proj.csproj" -t:FileSyncShutdown --no-restore -nologo -tl:off -v:q >/dev/null || true
