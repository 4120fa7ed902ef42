#!/usr/bin/env bash
# FileSync's part of issue 7's C# loop, two packed FileSyncs compared in the same minutes (a benchmark, not a test):
# the minimal ASP.NET Core app of csharp-loop.sh, once per package, each in its own container of the chiseled-like image
# started through filesync-launcher; the builds alternate A, B, A, B, ... so that the shared machine's load hits both
# alike. Each run edits the C#, builds (outputs synced + `process` restart) and waits for the first HTTP answer with
# the new text; it prints per run: the whole loop, the build, FileSync's target (MSBuild's performance summary), its
# sync and its `process` action (FileSync's own summary lines), and the time from the build's end to the answer; then
# the medians per package.
#
# Usage (as root, with the .NET SDK and a Docker engine): bash build/bench/csharp-loop-ab.sh PACKAGE_DIR_A PACKAGE_DIR_B [N]
#   PACKAGE_DIR_*   folders holding a packed FileSync (dotnet pack src/FileSync.Tasks -c Release -o DIR), e.g. before and after
#   N               runs per package (default 8)
#   BENCH_WORK=/var/tmp   parent of the work folder (removed at exit, with the containers, by id)
# Cold build processes (no MSBuild node reuse, no MSBuild server); the C# compiler server as the SDK has it (on).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: csharp-loop-ab.sh PACKAGE_DIR_A PACKAGE_DIR_B [N]" >&2; exit 2; }
declare -A PKG=([a]=$(cd "$1" && pwd) [b]=$(cd "$2" && pwd))
N=${3:-8}
IMAGE=filesync-test:chiseled-aspnet
unset CI ContinuousIntegrationBuild # the after-build hook is off in CI
. "$REPO/build/private-sync-server.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

die() { printf 'csharp-loop-ab: %s\n' "$*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
mkdir -p "${BENCH_WORK:-/var/tmp}"
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-csharp-loop-ab.XXXXXX)
declare -A ID=() PORT=()
cleanup() {
  for id in "${ID[@]}"; do docker rm -f -v "$id" >/dev/null 2>&1 || true; done
  dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true
  end_sync_servers || true # a server still writing its folder as it ends: left for /tmp to clear
  rm -rf "$WORK"
}
trap cleanup EXIT
bash "$REPO/build/chiseled-image.sh" --aspnet

project() { # name: the app against PKG[name], offline, its own packages folder, nothing imported from above
  local app=$WORK/$1 version
  version=$(basename "$(ls "${PKG[$1]}"/FileSync.*.nupkg | grep -v symbols | head -1)" .nupkg) || die "no FileSync.*.nupkg in ${PKG[$1]}"
  mkdir -p "$app"
  for stop in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$app/$stop"; done
  printf '<configuration>\n  <packageSources><clear /><add key="filesync" value="%s" /></packageSources>\n  <fallbackPackageFolders><clear /></fallbackPackageFolders>\n</configuration>\n' "${PKG[$1]}" >"$app/NuGet.config"
  cat >"$app/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>$WORK/packages-$1</RestorePackagesPath>
    <FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput>
    <FileSyncLauncher>true</FileSyncLauncher>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="FileSync" Version="${version#FileSync.}" />
    <FileSyncAction Include="process" Match="**/*.dll" />
  </ItemGroup>
</Project>
XML
}
program() { printf 'using Microsoft.AspNetCore.Builder;\n\nvar app = WebApplication.CreateBuilder(args).Build();\napp.MapGet("/api/version", () => "%s");\napp.Run();\n' "$2" >"$WORK/$1/Program.cs"; }
wait_answer() { # port text: polls 50 ms apart, within 120 s
  local deadline=$(($(date +%s) + 120)) answer
  while true; do
    answer=$(curl -s --max-time 2 "http://127.0.0.1:$1/api/version" || true)
    [ "$answer" = "$2" ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || die "no answer '$2' on port $1 within 120 s (last: '$answer')"
    sleep 0.05
  done
}
build_app() { # name [arguments]
  local name=$1; shift
  dotnet build "$WORK/$name/App.csproj" -nologo -tl:off "$@" >"$WORK/build-$name.log" 2>&1 || { cat "$WORK/build-$name.log" >&2; die "dotnet build failed"; }
}

for name in a b; do
  project "$name"; program "$name" v0; build_app "$name" -v q
  PORT[$name]=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  ID[$name]=$(docker create --network host -e "ASPNETCORE_URLS=http://127.0.0.1:${PORT[$name]}" --label filesync-bench=1 "$IMAGE" filesync-launcher.dll App.dll)
  docker cp "$WORK/$name/bin/Debug/net10.0/." "${ID[$name]}:/app/" >/dev/null
  docker start "${ID[$name]}" >/dev/null; wait_answer "${PORT[$name]}" v0
  program "$name" warm; build_app "$name" -v q "-p:FileSyncContainer=${ID[$name]}"; wait_answer "${PORT[$name]}" warm # the first sync sends everything: not timed
done

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= N; i++)); do
  for name in a b; do
    program "$name" "$name-$i"
    t0=$(now_ms); build_app "$name" -v n "-p:FileSyncContainer=${ID[$name]}" -clp:PerformanceSummary
    t1=$(now_ms); wait_answer "${PORT[$name]}" "$name-$i"; t2=$(now_ms)
    log=$WORK/build-$name.log
    target=$(awk '$3 == "_FileSyncSync" && $2 == "ms" {print $1; exit}' "$log")
    sync=$(grep -oE 'FileSync: [0-9]+ changed.* in [0-9]+ ms' "$log" | grep -oE '[0-9]+ ms$' | cut -d' ' -f1)
    action=$(grep -oE 'FileSync: process .* in [0-9]+ ms' "$log" | grep -oE '[0-9]+ ms$' | cut -d' ' -f1)
    [ -n "$target" ] && [ -n "$sync" ] && [ -n "$action" ] || die "run $i of $name did not sync and restart (see $log)"
    printf '%s %s %s %s %s %s\n' $((t2 - t0)) $((t1 - t0)) "$target" "$sync" "$action" $((t2 - t1)) >>"$WORK/runs-$name"
    echo "  run $i $name: loop $((t2 - t0)) ms (build $((t1 - t0)), FileSync's target $target: sync $sync, process $action), build end -> answer $((t2 - t1)) ms" >&2
  done
done
for name in a b; do
  [ "$(docker logs "${ID[$name]}" 2>&1 | grep -c '^filesync-launcher: restarting')" = $((N + 1)) ] || die "expected $((N + 1)) restart lines in $name's container log"
done

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "| package | loop | build | FileSync's target | its sync | its process action | build end -> answer |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for name in a b; do
  row="| ${PKG[$name]} |"
  for column in 1 2 3 4 5 6; do row="$row $(awk -v c=$column '{print $c}' "$WORK/runs-$name" | median) ms |"; done
  echo "$row"
done
echo
echo "Medians of $N alternating runs each. Machine: $(nproc) CPUs, load average $LOAD_START at the start and $(cut -d' ' -f1-3 /proc/loadavg) at the end; .NET SDK $(dotnet --version), image $IMAGE. $(date -u '+%Y-%m-%d %H:%M UTC')."
