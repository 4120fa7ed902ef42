#!/usr/bin/env bash
# Whole-process benchmarks of FileSync against a real local Docker engine (issue 3). Not part of the test run.
# Prints medians of repeated runs, side by side, as a Markdown table, and writes it with the machine, the date,
# the SDK and the command to artifacts/bench/results.md.
#
#   1. no-op `dotnet build` with FileSync configured vs the same project without FileSync     (target: < 3 % added)
#   2. one changed file: SyncToContainer above an empty target vs `docker cp` vs `tar | docker exec -i tar x`
#                                                                                 (target: at or below `docker cp`)
#   3. first sync of 3,000 files / 60 MB and of 30,000 small files into a fresh container vs `docker cp` of the
#      folder (target: at or below `docker cp`); peak RSS of the build for 60 MB and 600 MB (target: no growth)
#   4. change detection over a 100,000-file context with one change                (target: task < 150 ms)
#   5. Kubernetes (not in the default sections): one changed file, a first sync and a no-op to 1 pod vs 10 replicas on
#      the API stand-in (build/bench/kube/run.sh)                           (target: 10 replicas < 2x one pod)
#   Item 2 also times the same one-file sync on the warm sync server (-p:FileSyncServer=true) against the cold
#   in-process path (FileSyncServer=false)             (targets: warm <= 0.6x `docker cp`, cold <= 1.5x `docker cp`)
#   Item 4 also times the one-change sync on the warm sync server, whose watcher journal spares the scan of every file
#   (target: the server's own work <= 50 ms: from the request received to the result sent, its -v:d line "sync server:
#   ... synced in X ms"; build/bench/warm100k/run.sh times the same without MSBuild)
#
# Usage (as root, on Debian with the .NET SDK): bash build/bench.sh
# Settings, from the environment:
#   BENCH_N=7              runs per case of items 1, 2 and 4
#   BENCH_N_BULK=3         runs per case of item 3 (each run starts a fresh container)
#   BENCH_SECTIONS="1 2 3 4"
#   BENCH_R2R=1            also time item 2 with the package's portable task (tasks/net8.0/, IL only) beside the one
#                          FileSync.props picks (ReadyToRun, tasks/net10.0-linux-x64/, on SDK 10 linux-x64); 0 skips it
#   BENCH_WORK=/var/tmp    parent of the work folder: on disk, not tmpfs (the file trees are real writes)
#   BENCH_KEEP=0           1 keeps the work folder (projects, logs, raw timings) for inspection
#   BENCH_REF=             a commit (e.g. HEAD) to measure, exported with `git archive`; empty: the working tree as it is
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-7}
N_BULK=${BENCH_N_BULK:-3}
SECTIONS=${BENCH_SECTIONS:-1 2 3 4}
R2R=${BENCH_R2R:-1}
KEEP=${BENCH_KEEP:-0}
IMAGE=${FILESYNC_TEST_IMAGE:-filesync-test:busybox}
COMMAND_LINE="$(printf '%q ' bash build/bench.sh "$@")"
REF=${BENCH_REF:-}
COMMAND_ENV="BENCH_N=$N BENCH_N_BULK=$N_BULK BENCH_SECTIONS=\"$SECTIONS\" BENCH_R2R=$R2R${REF:+ BENCH_REF=$REF}"

# The after-build hook is off in CI (CI, ContinuousIntegrationBuild): these builds must see neither.
unset CI ContinuousIntegrationBuild
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Every build is one cold process, as on a developer's first `dotnet build` of the day; no node stays behind.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
# FileSync's sync server only where a case asks for it (-p:FileSyncServer=true beats this environment property), in a
# socket folder of this run's own; cleanup ends it by its pid.
export FileSyncServer=false

section() { printf '\n==== %s\n' "$*" >&2; }
note() { printf '  %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
section "Setup: Docker engine and image, work folder"
bash "$REPO/build/setup-docker.sh"
command -v dotnet >/dev/null || die "the .NET SDK is not installed"
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

mkdir -p "${BENCH_WORK:-/var/tmp}"
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-bench.XXXXXX)
TIMES=$WORK/times
LOGS=$WORK/logs
# Consumer projects live under $P with their offline NuGet.config; nothing else does (the exported source, the
# ReadyToRun publish and the logger restore from the usual feeds).
P=$WORK/projects
mkdir -p "$TIMES" "$LOGS" "$P"
export FILESYNC_SERVER_DIR=$WORK/srv
CONTAINERS=$WORK/containers
: >"$CONTAINERS"

cleanup() {
  local status=$?
  for pidfile in "$FILESYNC_SERVER_DIR"/*.pid; do
    # Only this run's sync server, by the pid it wrote.
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  if [ -s "$CONTAINERS" ]; then
    # By id, only the containers this run started.
    xargs -r docker rm -f <"$CONTAINERS" >/dev/null 2>&1 || true
  fi
  if [ "$KEEP" = 1 ]; then
    echo "bench: work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
note "work folder: $WORK"

start_container() {
  local id
  id=$(docker run -d --network none --label filesync-bench=1 "$IMAGE")
  echo "$id" >>"$CONTAINERS"
  echo "$id"
}

remove_container() {
  docker rm -f "$1" >/dev/null
  sed -i "/^$1\$/d" "$CONTAINERS"
}

# ---- timing -----------------------------------------------------------------------------------------------------
# timed CASE CMD...: runs CMD once, its output in $LOGS/CASE.<k>.log, its wall time (ms) appended to $TIMES/CASE.
# A failed command stops the benchmark with its output.
timed() {
  local name=$1
  shift
  local k t0 t1
  k=$(($(runs "$name") + 1))
  LAST_LOG=$LOGS/$name.$k.log
  t0=$(date +%s%N)
  if ! "$@" >"$LAST_LOG" 2>&1; then
    echo "bench: case '$name' run $k failed: $*" >&2
    tail -n 40 "$LAST_LOG" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000)) >>"$TIMES/$name"
}

# timed_rss CASE BUILD-ARGS...: a timed `dotnet build` under GNU time; its peak RSS (KB) goes to $TIMES/CASE.rss.
timed_rss() {
  local name=$1
  shift
  timed "$name" /usr/bin/time -v -o "$WORK/rss.tmp" dotnet build "$@" --no-restore -nologo -tl:off -clp:PerformanceSummary
  awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/rss.tmp" >>"$TIMES/$name.rss"
}

runs() { if [ -f "$TIMES/$1" ]; then wc -l <"$TIMES/$1"; else echo 0; fi; }

# The task's own time, from its summary line `FileSync: ... in X ms`, appended to $TIMES/CASE.task.
task_time() {
  local name=$1 expect=$2 line
  line=$(grep -o 'FileSync: .* in [0-9]* ms' "$LAST_LOG" | tail -n 1 || true)
  [ -n "$line" ] || { tail -n 40 "$LAST_LOG" >&2; die "case '$name': no FileSync summary line in $LAST_LOG"; }
  case "$line" in
    *"$expect"*) ;;
    *) die "case '$name': expected '$expect' in the summary, got: $line" ;;
  esac
  echo "$line" | sed 's/.* in \([0-9]*\) ms$/\1/' >>"$TIMES/$name.task"
  # The whole task as MSBuild timed it (the summary line leaves out the scan of the rule items and the container lookup).
  awk '/^Task Performance Summary:/ {t = 1} t && $3 == "SyncFiles" {print $1; exit}' "$LAST_LOG" >>"$TIMES/$name.msb"
}

median() {
  [ -s "$1" ] || { echo "?"; return; }
  sort -n "$1" | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
spread() { [ -s "$1" ] && sort -n "$1" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}'; }

ROWS=()
TARGETS=()
# row ITEM "what" CASE [note]: median, min-max and run count of a case.
row() {
  local item=$1 what=$2 name=$3 extra=${4:-}
  ROWS+=("| $item | $what | $(median "$TIMES/$name") ms | $(spread "$TIMES/$name") | $(runs "$name") | $extra |")
}
row_value() { ROWS+=("| $1 | $2 | $3 | | | ${4:-} |"); }
target() { TARGETS+=("| $1 | $2 | $3 |"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.1f %%", (a - b) * 100 / b}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }

# ---- projects ---------------------------------------------------------------------------------------------------
# What is measured: the working tree as it is, or one commit (BENCH_REF) exported on its own.
SRC=$REPO
if [ -n "$REF" ]; then
  mkdir -p "$WORK/src"
  git -C "$REPO" archive "$REF" | tar -x -C "$WORK/src"
  SRC=$WORK/src
  SOURCE_DESC="commit $(git -C "$REPO" rev-parse --short "$REF")"
elif git -C "$REPO" rev-parse --short HEAD >/dev/null 2>&1; then
  SOURCE_DESC="working tree at $(git -C "$REPO" rev-parse --short HEAD)"
  if [ -n "$(git -C "$REPO" status --porcelain -- src build/FileSync.props build/FileSync.targets build/buildMultiTargeting)" ]; then
    SOURCE_DESC+=", with uncommitted changes to src/ or the package's build files"
  fi
else
  SOURCE_DESC="working tree (not a git checkout)"
fi

section "Pack FileSync (dotnet pack src/FileSync.Tasks -c Release) from the $SOURCE_DESC"
dotnet pack "$SRC/src/FileSync.Tasks" -c Release -o "$WORK/feed" --artifacts-path "$WORK/pack-artifacts" -nologo -v q >"$LOGS/pack.log" 2>&1 \
  || { tail -n 40 "$LOGS/pack.log" >&2; die "dotnet pack failed"; }
PACKAGE=$(ls "$WORK/feed"/FileSync.*.nupkg)
VERSION=$(basename "$PACKAGE" .nupkg)
VERSION=${VERSION#FileSync.}
note "package: $(basename "$PACKAGE")"

# Offline: only the package just built; a per-run package folder so no older build of the same version is used.
cat >"$P/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="bench" value="$WORK/feed" />
  </packageSources>
  <fallbackPackageFolders>
    <clear />
  </fallbackPackageFolders>
  <config>
    <add key="globalPackagesFolder" value="$WORK/packages" />
  </config>
</configuration>
EOF

# project NAME FILESYNC(0|1) CONTAINER INCLUDE DEST STRIP: a net10.0 class library under $P/NAME, restored.
# FileSync projects get one rule (dropped with -p:BenchNoRules=true) and the target Empty; CONTAINER may be ''
# (then it comes with -p:FileSyncContainer=...).
project() {
  local name=$1 filesync=$2 container=$3 include=$4 dest=$5 strip=$6
  local dir=$P/$name
  mkdir -p "$dir"
  {
    echo '<Project Sdk="Microsoft.NET.Sdk">'
    echo '  <PropertyGroup>'
    echo '    <TargetFramework>net10.0</TargetFramework>'
    echo "    <RestorePackagesPath>$WORK/packages</RestorePackagesPath>"
    if [ "$filesync" = 1 ] && [ -n "$container" ]; then
      echo "    <FileSyncContainer>$container</FileSyncContainer>"
    fi
    echo '  </PropertyGroup>'
    if [ "$filesync" = 1 ]; then
      echo '  <ItemGroup>'
      echo "    <PackageReference Include=\"FileSync\" Version=\"$VERSION\" PrivateAssets=\"all\" />"
      echo '  </ItemGroup>'
      echo "  <ItemGroup Condition=\"'\$(BenchNoRules)' != 'true'\">"
      echo "    <FileSyncRule Include=\"$include\" Dest=\"$dest\" Strip=\"$strip\" />"
      echo '  </ItemGroup>'
    fi
    echo '  <Target Name="Empty" />'
    echo '</Project>'
  } >"$dir/$name.csproj"
  echo 'namespace Bench; public static class Lib { public static int Answer => 42; }' >"$dir/Lib.cs"
  dotnet restore "$dir" -nologo -v q >"$LOGS/restore-$name.log" 2>&1 \
    || { tail -n 40 "$LOGS/restore-$name.log" >&2; die "restore of $name failed"; }
}

# Every measured build prints MSBuild's performance summary (a few ms, alike for every case): the SyncFiles task's own
# time, load and JIT included, is read from it.
build() { dotnet build "$@" --no-restore -nologo -tl:off -clp:PerformanceSummary; }

# Ten small rule files under wwwroot/ (the same in both projects of item 1).
small_files() {
  mkdir -p "$1/wwwroot/css" "$1/wwwroot/js"
  for i in 1 2 3 4 5; do
    printf 'body { margin: %dpx; }\n' "$i" >"$1/wwwroot/css/site$i.css"
    printf 'console.log("page %d");\n' "$i" >"$1/wwwroot/js/page$i.js"
  done
}

# make_tree DIR FOLDERS FILES_PER_FOLDER BYTES: random files, written by split (one process per folder).
make_tree() {
  local dir=$1 folders=$2 files=$3 bytes=$4 f
  for ((f = 0; f < folders; f++)); do
    mkdir -p "$dir/d$f"
    head -c $((files * bytes)) /dev/urandom | (cd "$dir/d$f" && split -a 5 -d -b "$bytes" - f)
  done
}

REV=0
# Rewrites a file with new content of the same size: the planner's size+mtime fast path sees a change, the hash confirms.
touch_change() { REV=$((REV + 1)); printf 'console.log("rev %012d");\n' "$REV" >"$1"; }

SDK=$(dotnet --version)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# Where the time goes: build/bench/PhaseLogger timestamps evaluation, FileSync's targets, the SyncFiles task and
# each message it logs. timeline CASE TITLE ARGS...: one more build with it and MSBuild's performance summary.
TIMELINES=
section "Build the timeline logger (build/bench/PhaseLogger)"
dotnet build "$REPO/build/bench/PhaseLogger" -c Release -o "$WORK/phaselogger" --artifacts-path "$WORK/phaselogger-artifacts" -nologo -v q \
  >"$LOGS/phaselogger.log" 2>&1 || { tail -n 40 "$LOGS/phaselogger.log" >&2; die "building the timeline logger failed"; }
PHASE_LOGGER=$WORK/phaselogger/PhaseLogger.dll
timeline() {
  local name=$1 title=$2 t0 t1
  shift 2
  t0=$(date +%s%N)
  build "$@" "-logger:FileSync.Bench.PhaseLogger,$PHASE_LOGGER;$WORK/$name.tsv" >"$LOGS/$name.log" 2>&1 \
    || { tail -n 40 "$LOGS/$name.log" >&2; die "diagnostic build '$name' failed"; }
  t1=$(date +%s%N)
  LAST_LOG=$LOGS/$name.log
  TIMELINES+=$'\n'"### $title"$'\n\n'"\`dotnet build $(printf '%s ' "$@" | sed "s|$P/||g")--no-restore -nologo -tl:off\`, one run with a timeline logger: ms since the process started (and since the line before)."$'\n\n```\n'
  TIMELINES+=$( { printf '%s\tprocess started\n' "$((t0 / 1000000))"; cat "$WORK/$name.tsv"; printf '%s\tprocess exited\n' "$((t1 / 1000000))"; } |
    awk -F'\t' '
      function out(t, what) { printf "%6d ms (%+5d)  %s\n", t - start, t - prev, what; prev = t }
      function flush() { if (more) out(last, "    ... " more " more per-file lines, the last here"); more = 0 }
      NR == 1 {start = $1; prev = $1}
      $2 ~ /^    / && detail {more++; last = $1; next}
      {flush(); detail = ($2 ~ /^    /); out($1, $2)}
      END {flush()}')
  TIMELINES+=$'\n'"MSBuild's performance summary, FileSync's tasks and those its targets pull in:"$'\n'
  TIMELINES+=$(sed -n '/^Task Performance Summary:/,/^$/p' "$LOGS/$name.log" |
    grep -E ' (SyncFiles|Hash|WriteLinesToFile|MakeDir|Touch|ParseContainerProperties|ComputeDotnetBaseImageAndTag) ')
  TIMELINES+=$'\n```\n'
}
perf_ms() { awk -v want="$2" '/Performance Summary:/ {t = 1} t && $3 == want {print $1; exit}' "$LOGS/$1.log"; }

# ---------------------------------------------------------------------------------------------------------------
if [[ " $SECTIONS " == *" 1 "* || " $SECTIONS " == *" 2 "* ]]; then
  section "Items 1-2: projects (10 rule files), container"
  C_SMALL=$(start_container)
  project small 1 "$C_SMALL" 'wwwroot/**/*' '/app/wwwroot' 'wwwroot/'
  project plain 0 '' '' '' ''
  small_files "$P/small"
  small_files "$P/plain"
  # Build both once: the measured runs are no-ops. The first build of `small` syncs the 10 files (hook on).
  timed first-build-small build "$P/small"
  task_time first-build-small '10 changed'
  timed first-build-plain build "$P/plain"
  # A second build of each, unmeasured, so that both are settled no-ops (incremental outputs written).
  timed settle-small build "$P/small"
  timed settle-plain build "$P/plain"
fi

if [[ " $SECTIONS " == *" 1 "* ]]; then
  section "Item 1: no-op dotnet build, with vs without FileSync ($N runs each, interleaved)"
  for ((i = 0; i < N; i++)); do
    timed noop-plain build "$P/plain"
    timed noop-small build "$P/small"
    # The no-op path must not run the task (no summary line: MSBuild skipped _FileSyncSync).
    if grep -q 'FileSync: ' "$LAST_LOG"; then die "the no-op build ran the SyncFiles task: $LAST_LOG"; fi
  done
  plain=$(median "$TIMES/noop-plain")
  small=$(median "$TIMES/noop-small")
  added=$(percent "$small" "$plain")
  timeline timeline-noop 'Item 1: no-op `dotnet build` with FileSync' "$P/small"
  if grep -q 'FileSync: ' "$LAST_LOG"; then die "the no-op build ran the SyncFiles task: $LAST_LOG"; fi
  # FileSync's own share, less noisy than a difference of two medians: from its first target's start to the hook's end.
  own=$(awk -F'\t' '/target _FileSync.* started/ && !s {s = $1} /target _FileSyncAfterBuild finished/ {e = $1} END {print e - s}' "$WORK/timeline-noop.tsv")
  row 1 'no-op `dotnet build`, project without FileSync' noop-plain
  row 1 'no-op `dotnet build`, same project with FileSync (container set, after-build hook on)' noop-small "$added; FileSync's targets in the timeline run below: $own ms"
  # Judged on FileSync's own targets (a direct measure); the difference of the medians is shown beside it, since on a
  # busy machine it is mostly noise.
  met=$(awk -v own="$own" -v b="$plain" 'BEGIN {print (own * 100 / b < 3) ? "yes" : "no"}')
  target '1. no-op build adds < 3 %' "FileSync's targets $own ms = $(percent $((plain + own)) "$plain") of the build without it; difference of the medians $added ($((small - plain)) ms)" "$met"
fi

if [[ " $SECTIONS " == *" 2 "* ]]; then
  section "Item 2: one changed file ($N runs each, interleaved)"
  changed=$P/small/wwwroot/js/page1.js
  tar_one() { tar -c -C "$P/small/wwwroot/js" page1.js | docker exec -i "$C_SMALL" tar -x -C /app; }
  IL_TASK=
  if [ "$R2R" = 1 ]; then
    IL_TASK=$WORK/packages/filesync/$VERSION/tasks/net8.0/FileSync.Tasks.dll
    picked=$(dotnet msbuild "$P/small" -getProperty:FileSyncTasksAssembly -nologo 2>/dev/null || true)
    note "task assembly FileSync.props picks: ${picked#"$WORK/packages/"}; compared with ${IL_TASK#"$WORK/packages/"}"
  fi
  mkdir -p "$P/dir-target"
  timed settle-dir build "$P/small" -t:SyncToContainer -p:FileSyncRuntime=directory "-p:FileSyncDirectory=$P/dir-target"
  task_time settle-dir '10 changed'
  # The sync server: the first sync starts it (and runs in-process), a second warms it up; the measured runs must all
  # be served by that one process (a fallback would start another: its pid is compared after the runs).
  touch_change "$changed"
  timed server-start build "$P/small" -t:SyncToContainer -p:FileSyncServer=true -v:d
  grep -q 'FSYNC7021' "$LAST_LOG" || die "the first sync with FileSyncServer=true did not start the server: $LAST_LOG"
  touch_change "$changed"
  timed server-warmup build "$P/small" -t:SyncToContainer -p:FileSyncServer=true -v:d
  grep -q 'FSYNC7020' "$LAST_LOG" || die "the second sync did not run on the server: $LAST_LOG"
  SERVER_PID=$(cat "$FILESYNC_SERVER_DIR"/*.pid)
  for ((i = 0; i < N; i++)); do
    timed empty-small build "$P/small" -t:Empty
    touch_change "$changed"
    timed sync-one build "$P/small" -t:SyncToContainer
    task_time sync-one '1 changed'
    if [ -n "$IL_TASK" ]; then
      touch_change "$changed"
      timed sync-one-il build "$P/small" -t:SyncToContainer "-p:FileSyncTasksAssembly=$IL_TASK"
      task_time sync-one-il '1 changed'
    fi
    # The same sync into a folder (runtime directory): the task without any Engine API call.
    touch_change "$changed"
    timed sync-one-dir build "$P/small" -t:SyncToContainer -p:FileSyncRuntime=directory "-p:FileSyncDirectory=$P/dir-target"
    task_time sync-one-dir '1 changed'
    # The same sync handed to the warm sync server.
    touch_change "$changed"
    timed sync-one-warm build "$P/small" -t:SyncToContainer -p:FileSyncServer=true
    task_time sync-one-warm '1 changed'
    touch_change "$changed"
    timed cp-one docker cp "$changed" "$C_SMALL:/app/"
    touch_change "$changed"
    timed tar-one tar_one
  done
  touch_change "$changed"
  timeline timeline-one 'Item 2: one changed file, `SyncToContainer`' "$P/small" -t:SyncToContainer
  task_time timeline-one '1 changed'
  task_ms=$(perf_ms timeline-one SyncFiles)
  eval_ms=$(awk '/Project Evaluation Performance Summary/ {t = 1} t && /\.csproj/ {print $1; exit}' "$LOGS/timeline-one.log")

  [ "$(cat "$FILESYNC_SERVER_DIR"/*.pid 2>/dev/null)" = "$SERVER_PID" ] && kill -0 "$SERVER_PID" \
    || die "the sync server (pid $SERVER_PID) did not serve every warm run (it was replaced or is gone)"
  touch_change "$changed"
  timeline timeline-warm 'Item 2: one changed file, `SyncToContainer` on the warm sync server' "$P/small" -t:SyncToContainer -p:FileSyncServer=true
  task_time timeline-warm '1 changed'
  empty=$(median "$TIMES/empty-small")
  sync=$(median "$TIMES/sync-one")
  warm=$(median "$TIMES/sync-one-warm")
  cp=$(median "$TIMES/cp-one")
  above=$((sync - empty))
  warm_above=$((warm - empty))
  row 2 '`dotnet build -t:Empty` (empty target, same project)' empty-small
  row 2 '`dotnet build -t:SyncToContainer`, 1 changed file, cold (`FileSyncServer=false`: in-process)' sync-one "$above ms above the empty target = $(ratio "$above" "$cp") x \`docker cp\`"
  row 2 '(same runs) its summary line `FileSync: 1 changed ... in X ms`' sync-one.task
  row 2 '(same runs) the SyncFiles task' sync-one.msb "timeline run below: SyncFiles ${task_ms:-?} ms, evaluation ${eval_ms:-?} ms"
  if [ -n "$IL_TASK" ]; then
    il=$(median "$TIMES/sync-one-il")
    row 2 '`dotnet build -t:SyncToContainer`, 1 changed file, portable task (`tasks/net8.0/`, no ReadyToRun code)' sync-one-il "$((il - empty)) ms above the empty target ($((sync - il)) ms for the default task vs it)"
    row 2 '(same runs) its summary line' sync-one-il.task
    row 2 '(same runs) the SyncFiles task' sync-one-il.msb "$(($(median "$TIMES/sync-one.msb") - $(median "$TIMES/sync-one-il.msb"))) ms for the default task vs it"
  else
    row_value 2 'portable task (`tasks/net8.0/`)' 'skipped' 'BENCH_R2R=0'
  fi
  row 2 '`dotnet build -t:SyncToContainer`, 1 changed file, warm (`FileSyncServer=true`: on the sync server)' sync-one-warm "$warm_above ms above the empty target = $(ratio "$warm_above" "$cp") x \`docker cp\`"
  row 2 '(same runs) its summary line (the sync in the server)' sync-one-warm.task
  row 2 '(same runs) the SyncFiles task (request, relayed log, outputs)' sync-one-warm.msb
  row 2 'the same with `-p:FileSyncRuntime=directory` (a local folder: no Engine API call)' sync-one-dir "$(($(median "$TIMES/sync-one-dir") - empty)) ms above the empty target"
  row 2 '(same runs) its summary line' sync-one-dir.task
  row 2 '(same runs) the SyncFiles task' sync-one-dir.msb
  row 2 '`docker cp <file> <id>:/app/`' cp-one
  row 2 '`tar -c <file> \| docker exec -i <id> tar -x -C /app`' tar-one
  target '2. one file: SyncToContainer above the empty target <= `docker cp`' "$above ms vs $cp ms" "$([ "$above" -le "$cp" ] && echo yes || echo no)"
  target '2. one file, warm (sync server) above the empty target <= 0.6x `docker cp`' "$warm_above ms vs $cp ms = $(ratio "$warm_above" "$cp") x" "$(awk -v a="$warm_above" -v b="$cp" 'BEGIN {print (a <= 0.6 * b) ? "yes" : "no"}')"
  target '2. one file, cold (in-process) above the empty target <= 1.5x `docker cp`' "$above ms vs $cp ms = $(ratio "$above" "$cp") x" "$(awk -v a="$above" -v b="$cp" 'BEGIN {print (a <= 1.5 * b) ? "yes" : "no"}')"
fi

# ---------------------------------------------------------------------------------------------------------------
if [[ " $SECTIONS " == *" 3 "* ]]; then
  section "Item 3: first sync into a fresh container, vs docker cp ($N_BULK runs each)"
  note "generating 3,000 x 20 KB, 30,000 x 100 B and 30 x 20 MB files"
  for p in bulk60 bulk30k bulk600; do project "$p" 1 '' 'payload/**/*' '/app/payload' 'payload/'; done
  make_tree "$P/bulk60/payload" 30 100 20480
  make_tree "$P/bulk30k/payload" 100 300 100
  make_tree "$P/bulk600/payload" 1 30 $((20 * 1024 * 1024))
  # (No compile needed: -t:SyncToContainer and -t:Empty do not depend on Build.)

  # bulk CASE FILES: one run of each contender into its own fresh container; checks the file count once.
  bulk() {
    local p=$1 files=$2 id count
    timed_rss "empty-$p" "$P/$p" -t:Empty -p:FileSyncContainer=none
    id=$(start_container)
    timed_rss "sync-$p" "$P/$p" -t:SyncToContainer "-p:FileSyncContainer=$id"
    task_time "sync-$p" "$files changed"
    if [ "$(runs "sync-$p")" = 1 ]; then
      count=$(docker exec "$id" find /app/payload -type f | wc -l)
      [ "$count" = "$files" ] || die "FileSync left $count files in the container, expected $files"
    fi
    remove_container "$id"
    if [ "$p" != bulk600 ]; then
      id=$(start_container)
      timed "cp-$p" docker cp "$P/$p/payload" "$id:/app/"
      if [ "$(runs "cp-$p")" = 1 ]; then
        count=$(docker exec "$id" find /app/payload -type f | wc -l)
        [ "$count" = "$files" ] || die "docker cp left $count files in the container, expected $files"
      fi
      remove_container "$id"
    fi
    if [ "$p" = bulk60 ]; then
      id=$(start_container)
      timed "tar-$p" sh -c 'tar -c -C "$1" payload | docker exec -i "$2" tar -x -C /app' tar "$P/$p" "$id"
      remove_container "$id"
    fi
  }
  for ((i = 0; i < N_BULK; i++)); do
    bulk bulk60 3000
    bulk bulk30k 30000
    bulk bulk600 30
  done

  # Where the time of a first sync goes (one more run, fresh container).
  id=$(start_container)
  timeline timeline-bulk60 'Item 3: first sync of 3,000 files / 60 MB into a fresh container' "$P/bulk60" -t:SyncToContainer "-p:FileSyncContainer=$id"
  task_time timeline-bulk60 '3000 changed'
  remove_container "$id"

  for p in bulk60 bulk30k; do
    label=$([ "$p" = bulk60 ] && echo '3,000 files / 60 MB' || echo '30,000 files / 3 MB')
    empty=$(median "$TIMES/empty-$p")
    sync=$(median "$TIMES/sync-$p")
    cp=$(median "$TIMES/cp-$p")
    row 3 "$label: \`dotnet build -t:Empty\`" "empty-$p"
    row 3 "$label: \`dotnet build -t:SyncToContainer\`, fresh container" "sync-$p" "$((sync - empty)) ms above the empty target"
    row 3 "(same runs) its summary line" "sync-$p.task"
    row 3 "(same runs) the SyncFiles task" "sync-$p.msb"
    row 3 "$label: \`docker cp <folder> <id>:/app/\`, fresh container" "cp-$p"
    if [ "$p" = bulk60 ]; then
      row 3 "$label: \`tar -c <folder> \\| docker exec -i <id> tar -x\`, fresh container" "tar-$p"
    fi
    target "3. first sync, $label: SyncToContainer above the empty target <= \`docker cp\`" "$((sync - empty)) ms vs $cp ms" "$([ $((sync - empty)) -le "$cp" ] && echo yes || echo no)"
  done
  row 3 '600 MB (30 x 20 MB): `dotnet build -t:SyncToContainer`, fresh container' sync-bulk600 "$(($(median "$TIMES/sync-bulk600") - $(median "$TIMES/empty-bulk600"))) ms above the empty target"
  rss_empty=$(median "$TIMES/empty-bulk60.rss")
  rss60=$(median "$TIMES/sync-bulk60.rss")
  rss30k=$(median "$TIMES/sync-bulk30k.rss")
  rss600=$(median "$TIMES/sync-bulk600.rss")
  row_value 3 'peak RSS of `dotnet build`: empty target / 60 MB sync / 600 MB sync / 30,000-file sync' \
    "$(mb "$rss_empty") / $(mb "$rss60") / $(mb "$rss600") / $(mb "$rss30k")" 'GNU time "Maximum resident set size", medians'
  met=$(awk -v a="$rss600" -v b="$rss60" 'BEGIN {print (a <= b * 1.1) ? "yes" : "no"}')
  target '3. peak memory does not grow with bytes (600 MB vs 60 MB, within 10 %)' "$(mb "$rss600") vs $(mb "$rss60")" "$met"
fi

# ---------------------------------------------------------------------------------------------------------------
if [[ " $SECTIONS " == *" 4 "* ]]; then
  section "Item 4: change detection over 100,000 files ($N runs each)"
  C_BIG=$(start_container)
  project big 1 "$C_BIG" 'ctx/**/*' '/app/ctx' 'ctx/'
  t0=$(date +%s%N)
  make_tree "$P/big/ctx" 100 1000 64
  note "generated 100,000 files in $((($(date +%s%N) - t0) / 1000000)) ms"
  changed=$P/big/ctx/d42/f00042
  # The first sync of all 100,000 files (once, for information).
  timed first-sync-big build "$P/big" -t:SyncToContainer
  task_time first-sync-big '100000 changed'
  for ((i = 0; i < N; i++)); do
    timed empty-big-norules build "$P/big" -t:Empty -p:BenchNoRules=true
    timed empty-big build "$P/big" -t:Empty
    touch_change "$changed"
    timed sync-big build "$P/big" -t:SyncToContainer
    task_time sync-big '1 changed'
  done
  # The same on the warm sync server: its first sync of the context scans in full and starts the context's watcher
  # journal; later ones stat only what the journal noted. -v:d for the server's own scan and plan times.
  timed server-big-start build "$P/big" -t:SyncToContainer -p:FileSyncServer=true -v:d
  timed server-big-full build "$P/big" -t:SyncToContainer -p:FileSyncServer=true -v:d
  grep -q 'a full scan' "$LAST_LOG" || note "the first warm sync of the 100,000-file context did not start a watcher journal: $LAST_LOG"
  for ((i = 0; i < N; i++)); do
    touch_change "$changed"
    timed sync-big-warm build "$P/big" -t:SyncToContainer -p:FileSyncServer=true -v:d
    task_time sync-big-warm '1 changed'
    grep -o 'scanned in [0-9]* ms' "$LAST_LOG" | tail -n 1 | tr -dc 0-9 >>"$TIMES/sync-big-warm.scan" && echo >>"$TIMES/sync-big-warm.scan"
    # The server's own figure: from the request received to the result sent (scan, plan, upload, record and all).
    grep -o 'sync server: request of .* synced in [0-9]* ms' "$LAST_LOG" | tail -n 1 | sed 's/.* in \([0-9]*\) ms$/\1/' >>"$TIMES/sync-big-warm.server" || true
    grep -q 'path(s) named since the last sync' "$LAST_LOG" || note "warm run $i did not use the watcher journal: $LAST_LOG"
  done
  touch_change "$changed"
  timeline timeline-big 'Item 4: 100,000-file context, one changed file, `SyncToContainer`' "$P/big" -t:SyncToContainer
  task_time timeline-big '1 changed'
  big_task_ms=$(perf_ms timeline-big SyncFiles)
  big_eval_ms=$(awk '/Project Evaluation Performance Summary/ {t = 1} t && /\.csproj/ {print $1; exit}' "$LOGS/timeline-big.log")
  big_inputs_ms=$(perf_ms timeline-big _FileSyncComputeInputs)

  norules=$(median "$TIMES/empty-big-norules")
  empty=$(median "$TIMES/empty-big")
  sync=$(median "$TIMES/sync-big")
  task=$(median "$TIMES/sync-big.task")
  row 4 '100,000 files: first sync of all (once)' first-sync-big "summary line: $(median "$TIMES/first-sync-big.task") ms"
  row 4 '100,000 files: `dotnet build -t:Empty` without the rule' empty-big-norules
  row 4 '100,000 files: `dotnet build -t:Empty` with the `ctx/**/*` rule' empty-big "$((empty - norules)) ms: MSBuild expanding the rule's glob"
  row 4 '100,000 files: `dotnet build -t:SyncToContainer`, 1 changed file' sync-big "$((sync - empty)) ms above the empty target"
  row 4 '(same runs) its summary line `FileSync: 1 changed ... in X ms`' sync-big.task
  row 4 '(same runs) the SyncFiles task' sync-big.msb "timeline run below: SyncFiles ${big_task_ms:-?} ms, _FileSyncComputeInputs ${big_inputs_ms:-(not run)} ms, evaluation ${big_eval_ms:-?} ms"
  warm=$(median "$TIMES/sync-big-warm")
  row 4 '100,000 files: `-t:SyncToContainer` on the warm sync server (watcher journal), 1 changed file' sync-big-warm "$((warm - empty)) ms above the empty target"
  row 4 '(same runs) the server: its scan / its summary line (lock, state, plan, upload, record)' sync-big-warm.task "scan $(median "$TIMES/sync-big-warm.scan") ms + summary line; the SyncFiles task $(median "$TIMES/sync-big-warm.msb") ms"
  server_ms=$(median "$TIMES/sync-big-warm.server")
  [ "$server_ms" != "?" ] || server_ms=$(($(median "$TIMES/sync-big-warm.scan") + $(median "$TIMES/sync-big-warm.task")))
  target "4. 100,000 files, one change, warm: the sync's own work <= 50 ms" "server: request to result $server_ms ms (scan $(median "$TIMES/sync-big-warm.scan") ms, summary line $(median "$TIMES/sync-big-warm.task") ms)" "$([ "$server_ms" -le 50 ] && echo yes || echo no)"
  msb=$(median "$TIMES/sync-big.msb")
  target "4. change detection over 100,000 files, task's own time < 150 ms" "SyncFiles task $msb ms; its summary line $task ms" "$([ "$msb" -lt 150 ] && echo yes || echo no)"
fi

# ---------------------------------------------------------------------------------------------------------------
# Item 5 (issue 10): Kubernetes, 1 pod vs 10 replicas on the API stand-in; its own table (build/bench/kube/run.sh).
KUBE_TABLE=
if [[ " $SECTIONS " == *" 5 "* ]]; then
  section "Item 5: Kubernetes, 1 pod vs 10 replicas on the API stand-in ($N runs each)"
  KUBE_TABLE=$(FILESYNC_PACKAGE_DIR="$WORK/feed" bash "$REPO/build/bench/kube/run.sh" "$N")
  one=$(awk -F'|' '/one changed file, 1 pod/ {gsub(/ /, "", $3); print $3}' <<<"$KUBE_TABLE")
  ten=$(awk -F'|' '/one changed file, 10 replicas/ {gsub(/ /, "", $3); print $3}' <<<"$KUBE_TABLE")
  target '5. Kubernetes: one changed file to 10 replicas < 2x one pod' "$ten ms vs $one ms" "$([ "$ten" -lt $((2 * one)) ] && echo yes || echo no)"
fi

# ---------------------------------------------------------------------------------------------------------------
section "Results"
mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# FileSync benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk -v k="$mem_kb" 'BEGIN {printf "%.0f GiB", k / 1048576}') RAM, $(uname -sr)"
  echo "- .NET SDK $SDK, Docker engine $(docker version --format '{{.Server.Version}}') ($(docker info --format '{{.Driver}}') storage), FileSync $VERSION from the $SOURCE_DESC"
  echo "- command: \`$COMMAND_ENV $COMMAND_LINE\`"
  echo "- load average (1, 5, 15 min) at start: $LOAD_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- whole processes, wall time; every \`dotnet build\` is \`--no-restore -nologo -tl:off -clp:PerformanceSummary\`, cold (no node reuse, no MSBuild server)"
  echo "- \"summary line\": the \`in X ms\` of FileSync's own summary (from taking the state lock to saving the state); \"SyncFiles task\": the task's time in MSBuild's performance summary (assembly load, JIT, scan of the rule items, container lookup included)"
  echo
  echo "| item | case | median | min-max (ms) | runs | notes |"
  echo "| --- | --- | ---: | --- | ---: | --- |"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "| target | measured (medians) | met |"
  echo "| --- | --- | --- |"
  if [ ${#TARGETS[@]} -gt 0 ]; then printf '%s\n' "${TARGETS[@]}"; fi
  if [ -n "$KUBE_TABLE" ]; then
    echo
    echo "## Kubernetes (item 5): whole \`dotnet build -t:SyncToContainer\` processes, API stand-in on 127.0.0.1"
    echo
    echo "$KUBE_TABLE"
  fi
  if [ -n "$TIMELINES" ]; then
    echo
    echo "## Where the time goes"
    echo "$TIMELINES"
  fi
} >"$WORK/results.md"
mkdir -p "$REPO/artifacts/bench"
cp "$WORK/results.md" "$REPO/artifacts/bench/results.md"
cat "$WORK/results.md"
echo >&2
echo "bench: written to artifacts/bench/results.md" >&2
