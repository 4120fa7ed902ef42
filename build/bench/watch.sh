#!/usr/bin/env bash
# Save -> readable in the container under `dotnet build -t:FileSyncWatch` (issue 8's target: <= 100 ms median,
# <= 300 ms p95). A real container from the test image (--network none); each save rewrites one rule file with new
# content, and the time runs until those bytes can be read from the container's own file system through
# /proc/<container pid>/root (no docker CLI in the timed path). Saves are 300 ms apart, so each is its own burst.
# Prints one line per mode, as the README's table takes it. Not part of the test run.
#
# Usage (as root, with the .NET SDK and the Docker engine): bash build/bench/watch.sh
#   BENCH_SAVES=30         saves per mode (>= 20)
#   BENCH_FILES=20         files in the rule's context besides the saved one (e.g. 20000 for a big tree)
#   BENCH_MODES="events polling"
#   FILESYNC_PACKAGE_DIR=  a folder with a packed FileSync.*.nupkg; empty: packs src/FileSync.Tasks first
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
SAVES=${BENCH_SAVES:-30}
FILES=${BENCH_FILES:-20}
MODES=${BENCH_MODES:-events polling}
IMAGE=${FILESYNC_TEST_IMAGE:-filesync-test:busybox}
unset CI ContinuousIntegrationBuild
. "$(dirname "$0")/../private-sync-server.sh" # its builds' sync server is this run's own, ended at exit
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-watch-bench.XXXXXX)
CONTAINER=filesync-watch-bench-$$
WATCH_PID=
cleanup() {
  [ -n "$WATCH_PID" ] && kill -TERM "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null || true
  docker rm -f -v "$CONTAINER" >/dev/null 2>&1 || true
  end_sync_servers
  rm -rf "$WORK"
}
trap cleanup EXIT

. "$REPO/build/bench/package.sh"
bench_package "$WORK" "$REPO"

P=$WORK/app
mkdir -p "$P/site"
cat >"$P/NuGet.config" <<EOF2
<configuration>
  <packageSources><clear /><add key="bench" value="$FEED" /></packageSources>
  <fallbackPackageFolders><clear /></fallbackPackageFolders>
  <config><add key="globalPackagesFolder" value="$WORK/packages" /></config>
</configuration>
EOF2
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$P/$f"; done
cat >"$P/App.csproj" <<EOF2
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <FileSyncContainer>$CONTAINER</FileSyncContainer>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FileSync" Version="$VERSION" />
    <FileSyncRule Include="site/**/*" Dest="www" Strip="site/" />
  </ItemGroup>
</Project>
EOF2
python3 - "$P/site" "$FILES" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    folder = os.path.join(root, f"d{i // 1000:03d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i}.txt"), "w") as f:
        f.write(f"file {i}\n")
PY
echo "start" >"$P/site/saved.txt"
dotnet restore "$P/App.csproj" -nologo -v q >"$WORK/restore.log" 2>&1 || { cat "$WORK/restore.log" >&2; exit 1; }

docker run -d --network none --name "$CONTAINER" "$IMAGE" >/dev/null
ROOT=/proc/$(docker inspect -f '{{.State.Pid}}' "$CONTAINER")/root

for MODE in $MODES; do
  POLLING=false; [ "$MODE" = polling ] && POLLING=true
  LOG=$WORK/watch-$MODE.log
  dotnet build "$P/App.csproj" -t:FileSyncWatch --no-restore -nologo -tl:off -p:FileSyncUsePolling=$POLLING >"$LOG" 2>&1 &
  WATCH_PID=$!
  until grep -qs 'FileSync: watching' "$LOG"; do # the first sync of a big tree takes a while
    kill -0 "$WATCH_PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  # The watch's own CPU time (user + system, all its threads) over the saves: steadier than wall time on a busy machine.
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$WATCH_PID/stat"; }
  CPU0=$(cpu_ticks)
  python3 - "$P/site/saved.txt" "$ROOT/app/www/saved.txt" "$SAVES" "$MODE" "$FILES" <<'PY'
import os, sys, time, statistics
source, target, saves, mode, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
times = []
for i in range(saves):
    content = f"save {i} {time.time_ns()}\n".encode()
    with open(source, "wb") as f:   # an editor's save: open, write, close
        f.write(content)
    saved = time.monotonic_ns()
    deadline = saved + 10_000_000_000
    while True:
        try:
            with open(target, "rb") as f:
                if f.read() == content:
                    break
        except OSError:
            pass
        if time.monotonic_ns() > deadline:
            sys.exit(f"save {i} did not reach the container within 10 s")
        time.sleep(0.0005)
    times.append((time.monotonic_ns() - saved) / 1e6)
    time.sleep(0.3)
times.sort()
p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
print(f"| FileSyncWatch ({'file-system events' if mode == 'events' else 'FileSyncUsePolling=true'}): save -> readable in the container | "
      f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms ({len(times)} saves, {files + 1}-file context) |")
PY
  echo "  the watch process's CPU time: $((($(cpu_ticks) - CPU0) * 1000 / $(getconf CLK_TCK) / SAVES)) ms per save (user + system, all threads)"
  kill -TERM "$WATCH_PID"; wait "$WATCH_PID" 2>/dev/null || true; WATCH_PID=
done
echo "machine: $(nproc) cores, $(uname -r), SDK $(dotnet --version), load average $(cut -d" " -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ); command: bash build/bench/watch.sh" >&2
