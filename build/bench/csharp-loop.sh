#!/usr/bin/env bash
# Issue 7's C# loop, timed (a benchmark, not a test): a minimal ASP.NET Core app (`app.MapGet("/api/version", ...)`)
# runs in the chiseled-like ASP.NET Core image (build/chiseled-image.sh --aspnet: no shell, no rm, no tar, USER 1654).
# Each run edits the C# to return a new text and times, until the first HTTP answer with that text:
#
#   filesync  edit -> `dotnet build` (FileSyncIncludeBuildOutput: the after-build hook syncs the changed outputs, and
#             <FileSyncAction Include="process" Match="**/*.dll"/> restarts the app through filesync-launcher) -> answer
#   rebuild   edit -> `dotnet publish` -> `docker build` (FROM the same local image, COPY out/ /app/: no pull)
#             -> `docker rm -f` + `docker run` -> answer: the cheapest rebuild loop there is (compile on the host)
#   dockerfile edit -> `docker build` of the multi-stage Dockerfile most .NET projects have (Visual Studio's "Add Docker
#             support", the docs' "Containerize a .NET app": restore and publish in an SDK stage, copy into the runtime
#             image; the SDK stage is build/sdk-image.sh, the machine's own SDK, no pull) -> `docker rm -f` +
#             `docker run` -> answer: the loop most .NET developers have today (BENCH_DOCKERFILE=0 leaves it out)
#
# The two loops alternate run by run, so that the shared machine's load hits both alike. Prints a Markdown table with
# the medians, the ratio, the issue's targets (<= 5 s, <= 0.25x the rebuild loop), the machine, its load average, the
# date and the command, and writes it to artifacts/bench/csharp-loop.md.
#
# Usage (as root, with the .NET SDK and a Docker engine): bash build/bench/csharp-loop.sh [-n N]
#   -n N / BENCH_N=5       runs of each loop
#   FILESYNC_PACKAGE_DIR   a folder with the packed FileSync (else this tree is packed into the work folder)
#   BENCH_WORK=/var/tmp    parent of the work folder
#   BENCH_KEEP=0           1 keeps the work folder (project, logs, raw timings)
#
# Every build is one cold process (no MSBuild node reuse, no MSBuild server), the same for both host loops. The C#
# compiler server (VBCSCompiler) is the SDK's default on a developer's machine: BENCH_COMPILER_SERVER=1 keeps it (both
# host loops use it; the Dockerfile loop compiles in a fresh container, where it never is warm) and shuts it down at
# the end; the default 0 compiles cold every time (UseSharedCompilation=false), nothing left running.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
COMMAND_LINE="$(printf '%q ' bash build/bench/csharp-loop.sh "$@")"
[ -z "${FILESYNC_PACKAGE_DIR:-}" ] || COMMAND_LINE="FILESYNC_PACKAGE_DIR=$(printf '%q' "$FILESYNC_PACKAGE_DIR") $COMMAND_LINE"
for setting in BENCH_COMPILER_SERVER BENCH_DOCKERFILE; do
  [ -z "${!setting:-}" ] || COMMAND_LINE="$setting=${!setting} $COMMAND_LINE"
done
N=${BENCH_N:-5}
if [ "${1:-}" = -n ]; then N=$2; shift 2; fi
[ $# = 0 ] || { echo "usage: csharp-loop.sh [-n N]" >&2; exit 2; }
KEEP=${BENCH_KEEP:-0}
DOCKERFILE_LOOP=${BENCH_DOCKERFILE:-1}
COMPILER_SERVER=${BENCH_COMPILER_SERVER:-0}
SHARED_COMPILATION=$([ "$COMPILER_SERVER" = 1 ] && echo true || echo false)
IMAGE=filesync-test:chiseled-aspnet
ANSWER_BOUND_S=120

unset CI ContinuousIntegrationBuild # the after-build hook is off in CI
. "$(dirname "$0")/../private-sync-server.sh" # the after-build syncs run on a sync server of this run's own, ended at exit
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

note() { printf '  %s\n' "$*" >&2; }
die() { printf 'csharp-loop: %s\n' "$*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

mkdir -p "${BENCH_WORK:-/var/tmp}"
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-csharp-loop.XXXXXX)
TAG="filesync-bench-csharp-loop:$$"
FS_ID=""
RB_ID=""
DF_ID=""
DF_LABEL="filesync-bench-dockerfile=$$"
cleanup() {
  # Only what this script started, by id (the Dockerfile loop's images, its cache included, carry its label).
  for id in $FS_ID $RB_ID $DF_ID; do docker rm -f -v "$id" >/dev/null 2>&1 || true; done
  docker image rm "$TAG" >/dev/null 2>&1 || true
  docker images -aq --filter "label=$DF_LABEL" | xargs -r docker image rm -f >/dev/null 2>&1 || true
  [ "$COMPILER_SERVER" != 1 ] || dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true
  end_sync_servers
  if [ "$KEEP" = 1 ]; then echo "csharp-loop: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
bash "$REPO/build/chiseled-image.sh" --aspnet
[ "$DOCKERFILE_LOOP" = 0 ] || bash "$REPO/build/sdk-image.sh"

# The package: given, or this tree packed.
if [ -n "${FILESYNC_PACKAGE_DIR:-}" ]; then
  PACKAGE_DIR=$(cd "$FILESYNC_PACKAGE_DIR" && pwd)
else
  note "packing FileSync from $REPO"
  PACKAGE_DIR=$WORK/package
  dotnet pack "$REPO/src/FileSync.Tasks" -c Release -o "$PACKAGE_DIR" -nologo -v q >"$WORK/pack.log" 2>&1 || { cat "$WORK/pack.log" >&2; die "pack failed"; }
fi
PACKAGE=$(ls "$PACKAGE_DIR"/FileSync.*.nupkg | grep -v symbols | head -1)
[ -n "$PACKAGE" ] || die "no FileSync.*.nupkg in $PACKAGE_DIR"
VERSION=$(basename "$PACKAGE" .nupkg); VERSION=${VERSION#FileSync.}

# The app: offline (only the package folder as a source), its own packages folder (never a cached FileSync of the same
# version), nothing imported from above.
APP=$WORK/app
mkdir -p "$APP"
for stop in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$APP/$stop"; done
cat >"$APP/NuGet.config" <<EOF
<configuration>
  <packageSources><clear /><add key="filesync" value="$PACKAGE_DIR" /></packageSources>
  <fallbackPackageFolders><clear /></fallbackPackageFolders>
</configuration>
EOF
cat >"$APP/App.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>$WORK/packages</RestorePackagesPath>
    <UseSharedCompilation>$SHARED_COMPILATION</UseSharedCompilation>
    <FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput>
    <FileSyncLauncher>true</FileSyncLauncher>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FileSync" Version="$VERSION" />
    <FileSyncAction Include="process" Match="**/*.dll" />
  </ItemGroup>
</Project>
EOF
program() {
  cat >"$APP/Program.cs" <<EOF
using Microsoft.AspNetCore.Builder;

var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/api/version", () => "$1");
app.Run();
EOF
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Polls (50 ms apart, within a bound) until the app on port $1 answers $2 (the old app may still answer before that).
wait_answer() {
  local port=$1 expected=$2 deadline=$(($(date +%s) + ANSWER_BOUND_S)) answer
  while true; do
    answer=$(curl -s --max-time 2 "http://127.0.0.1:$port/api/version" || true)
    [ "$answer" = "$expected" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || die "no answer '$expected' on port $port within ${ANSWER_BOUND_S} s (last: '$answer')"
    sleep 0.05
  done
}

build_app() { # dotnet build with extra arguments; the log is kept for a failure
  dotnet build "$APP/App.csproj" -nologo -v q -tl:off "$@" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "dotnet build failed"; }
}

note "restoring and building the app"
program v0
build_app

# FileSync's container: the dev image's command, the build output copied in once (as a dev image would hold it).
FS_PORT=$(free_port)
FS_ID=$(docker create --network host -e "ASPNETCORE_URLS=http://127.0.0.1:$FS_PORT" --label filesync-bench=1 "$IMAGE" filesync-launcher.dll App.dll)
docker cp "$APP/bin/Debug/net10.0/." "$FS_ID:/app/" >/dev/null
docker start "$FS_ID" >/dev/null
wait_answer "$FS_PORT" v0
# The first sync to a container sends every output (and restarts once): not timed.
program warm
build_app "-p:FileSyncContainer=$FS_ID"
wait_answer "$FS_PORT" warm

# The rebuild loop's image recipe and its first container (not timed).
RB_PORT=$(free_port)
mkdir -p "$WORK/rebuild"
printf 'FROM %s\nCOPY out/ /app/\nCMD ["App.dll"]\n' "$IMAGE" >"$WORK/rebuild/Dockerfile"
rebuild_and_replace() {
  dotnet publish "$APP/App.csproj" -nologo -v q -tl:off -o "$WORK/rebuild/out" >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log" >&2; die "dotnet publish failed"; }
  PUBLISHED_MS=$(now_ms)
  docker build -q -t "$TAG" "$WORK/rebuild" >/dev/null
  [ -z "$RB_ID" ] || docker rm -f -v "$RB_ID" >/dev/null
  RB_ID=$(docker run -d --network host -e "ASPNETCORE_URLS=http://127.0.0.1:$RB_PORT" --label filesync-bench=1 "$TAG")
}
program warm
rebuild_and_replace
wait_answer "$RB_PORT" warm

# The Dockerfile loop: the same app without FileSync (the project before it was added), its multi-stage Dockerfile.
DF_PORT=$(free_port)
DF=$WORK/dockerfile
mkdir -p "$DF"
printf '<Project Sdk="Microsoft.NET.Sdk.Web">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n' >"$DF/App.csproj"
printf 'bin/\nobj/\nDockerfile\n' >"$DF/.dockerignore"
printf '%s\n' \
  "FROM filesync-test:sdk AS build" "LABEL $DF_LABEL" "WORKDIR /src" "COPY App.csproj ." \
  'RUN ["dotnet", "restore", "App.csproj"]' "COPY . ." \
  'RUN ["dotnet", "publish", "App.csproj", "-c", "Release", "-o", "/app/publish", "--no-restore"]' "" \
  "FROM $IMAGE" "LABEL $DF_LABEL" "WORKDIR /app" "COPY --from=build /app/publish ." 'ENTRYPOINT ["dotnet", "App.dll"]' >"$DF/Dockerfile"
dockerfile_build_and_replace() {
  cp "$APP/Program.cs" "$DF/Program.cs"
  docker build --network none -q -t "$TAG-dockerfile" "$DF" >"$WORK/docker-build.log" 2>&1 || { cat "$WORK/docker-build.log" >&2; die "docker build of the multi-stage Dockerfile failed"; }
  [ -z "$DF_ID" ] || docker rm -f -v "$DF_ID" >/dev/null
  DF_ID=$(docker run -d --network host -e "ASPNETCORE_URLS=http://127.0.0.1:$DF_PORT" --label filesync-bench=1 "$TAG-dockerfile")
}
if [ "$DOCKERFILE_LOOP" != 0 ]; then
  note "first build of the multi-stage Dockerfile (its restore layer is cached from here on)"
  dockerfile_build_and_replace
  wait_answer "$DF_PORT" warm
fi

: >"$WORK/filesync"; : >"$WORK/filesync-build"; : >"$WORK/filesync-target"; : >"$WORK/rebuild-ms"; : >"$WORK/rebuild-publish"; : >"$WORK/dockerfile-ms"
for ((i = 1; i <= N; i++)); do
  program "filesync-$i"
  t0=$(now_ms)
  build_app "-p:FileSyncContainer=$FS_ID" -clp:PerformanceSummary
  t1=$(now_ms)
  # FileSync's own part of the build: its after-build target (plan, upload, process restart), from MSBuild's summary.
  awk '$3 == "_FileSyncSync" && $2 == "ms" {print $1; exit}' "$WORK/build.log" >>"$WORK/filesync-target"
  [ "$(wc -l <"$WORK/filesync-target")" = "$i" ] || die "no _FileSyncSync in the build's performance summary: did it sync? (see $WORK/build.log)"
  wait_answer "$FS_PORT" "filesync-$i"
  t2=$(now_ms)
  echo $((t2 - t0)) >>"$WORK/filesync"; echo $((t1 - t0)) >>"$WORK/filesync-build"

  program "rebuild-$i"
  t0=$(now_ms)
  rebuild_and_replace
  wait_answer "$RB_PORT" "rebuild-$i"
  t2=$(now_ms)
  echo $((t2 - t0)) >>"$WORK/rebuild-ms"; echo $((PUBLISHED_MS - t0)) >>"$WORK/rebuild-publish"
  if [ "$DOCKERFILE_LOOP" != 0 ]; then
    program "dockerfile-$i"
    t0=$(now_ms)
    dockerfile_build_and_replace
    wait_answer "$DF_PORT" "dockerfile-$i"
    t2=$(now_ms)
    echo $((t2 - t0)) >>"$WORK/dockerfile-ms"
  fi
  note "run $i: filesync $(tail -1 "$WORK/filesync") ms (build $(tail -1 "$WORK/filesync-build") ms, FileSync's target $(tail -1 "$WORK/filesync-target") ms), rebuild $(tail -1 "$WORK/rebuild-ms") ms (publish $(tail -1 "$WORK/rebuild-publish") ms)$([ "$DOCKERFILE_LOOP" = 0 ] || echo ", multi-stage Dockerfile $(tail -1 "$WORK/dockerfile-ms") ms")"
done
RESTARTS=$(docker logs "$FS_ID" 2>&1 | grep -c '^filesync-launcher: restarting' || true)
[ "$RESTARTS" = $((N + 1)) ] || die "expected $((N + 1)) restart lines in the FileSync container's log, found $RESTARTS"

median() { sort -n "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
spread() { sort -n "$1" | awk 'NR == 1 {min = $1} {max = $1} END {print min "-" max}'; }
FS=$(median "$WORK/filesync"); FS_BUILD=$(median "$WORK/filesync-build"); FS_TARGET=$(median "$WORK/filesync-target"); RB=$(median "$WORK/rebuild-ms"); RB_PUBLISH=$(median "$WORK/rebuild-publish")
RATIO=$(awk -v a="$FS" -v b="$RB" 'BEGIN {printf "%.2f", a / b}')
MET_ABS=$([ "$FS" -le 5000 ] && echo met || echo "not met")
MET_RATIO=$(awk -v r="$RATIO" 'BEGIN {print (r <= 0.25) ? "met" : "not met"}')
if [ "$DOCKERFILE_LOOP" != 0 ]; then
  DFM=$(median "$WORK/dockerfile-ms")
  DF_RATIO=$(awk -v a="$FS" -v b="$DFM" 'BEGIN {printf "%.2f", a / b}')
  DF_MET=$(awk -v r="$DF_RATIO" 'BEGIN {print (r <= 0.25) ? "met" : "not met"}')
fi

mkdir -p "$REPO/artifacts/bench"
{
  echo "| loop (C# edit -> first HTTP answer with the new text) | median | min-max | runs |"
  echo "| --- | --- | --- | --- |"
  echo "| FileSync: \`dotnet build\` (outputs synced + process restart through filesync-launcher) | $FS ms (of which \`dotnet build\` $FS_BUILD ms, and in it FileSync's target $FS_TARGET ms) | $(spread "$WORK/filesync") ms | $N |"
  echo "| rebuild and replace: \`dotnet publish\` + \`docker build\` + \`docker rm -f\` + \`docker run\` | $RB ms (of which \`dotnet publish\` $RB_PUBLISH ms) | $(spread "$WORK/rebuild-ms") ms | $N |"
  [ "$DOCKERFILE_LOOP" = 0 ] || echo "| rebuild and replace as most projects do: \`docker build\` of the multi-stage Dockerfile (SDK stage: restore (cached) + publish; runtime stage: copy) + \`docker rm -f\` + \`docker run\` | $DFM ms | $(spread "$WORK/dockerfile-ms") ms | $N |"
  echo
  [ "$DOCKERFILE_LOOP" = 0 ] || echo "Ratio FileSync / multi-stage Dockerfile loop: **$DF_RATIO** (<= 0.25x: $DF_MET). This engine stores layers with the vfs driver (a full copy per layer), which makes each \`docker build\` step slower than overlay2 would."
  echo "Ratio FileSync / host-publish rebuild: **$RATIO**. Targets: <= 5 s ($MET_ABS), <= 0.25x ($MET_RATIO). Both loops compile the same"
  echo "edit; what FileSync saves is the rest: publish's extra work, the image, the container and the app's cold start."
  echo
  echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory, load average $LOAD_START at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end; .NET SDK $(dotnet --version), Docker $(docker version --format '{{.Server.Version}}'), image $IMAGE. $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo "Command: \`$COMMAND_LINE\` (runs alternate; cold build processes; $([ "$COMPILER_SERVER" = 1 ] && echo "the C# compiler server on, as the SDK's default" || echo "no compiler server"))."
} | tee "$REPO/artifacts/bench/csharp-loop.md"
