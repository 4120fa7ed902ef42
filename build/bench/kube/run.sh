#!/usr/bin/env bash
# Kubernetes benchmark (issue 10): one changed file, a first sync and a no-op, to 1 pod vs 10 replicas on the Kubernetes
# API stand-in (tests/FileSync.KubeStandIn: Kestrel on 127.0.0.1, each pod a real container of the test image, exec over
# WebSocket), as whole `dotnet build -t:SyncToContainer` processes (cold, FileSyncServer=false). Target: 10 replicas
# < 2x one pod. Prints a Markdown table of medians.
#   bash build/bench/kube/run.sh [N]          N interleaved runs per case (default 7); FILESYNC_PACKAGE_DIR: a packed feed
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
N=${1:-7}
unset CI ContinuousIntegrationBuild
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
WORK=$(mktemp -d -p "${BENCH_WORK:-/var/tmp}" filesync-kube-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=build/bench/package.sh
. "$REPO/build/bench/package.sh"
bench_package "$WORK" "$REPO"
dotnet build "$HERE" -c Release -o "$WORK/tool" --artifacts-path "$WORK/tool-artifacts" -nologo -v q >"$WORK/tool.log" 2>&1 \
  || { tail -n 40 "$WORK/tool.log" >&2; exit 1; }
dotnet "$WORK/tool/kube.dll" "$FEED" "$VERSION" "$N" "$WORK"
