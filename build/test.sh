#!/usr/bin/env bash
# Runs every test: unit, task, targets and end-to-end (against a real Docker engine, which this script starts, and
# Podman, which it installs).
# Usage: bash build/test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash build/setup-docker.sh
# Podman (apt) and its copy of the test image; the Podman tests start its API service themselves.
bash build/setup-podman.sh
bash build/setup-sshd.sh
# Testcontainers' reaper image cannot be pulled here; tests remove what they start by id.
export TESTCONTAINERS_RYUK_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build FileSync.sln -c Release -v q -nologo
# One package per run, shared by every end-to-end test.
export FILESYNC_PACKAGE_DIR="$root/artifacts/package"
rm -rf "$FILESYNC_PACKAGE_DIR"
dotnet pack src/FileSync.Tasks -c Release --no-build -o "$FILESYNC_PACKAGE_DIR" -v q -nologo

status=0
dotnet test FileSync.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line over all test projects; fails on any failed, skipped or not-run test (build/trx-summary.sh).
projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | wc -l)
bash build/trx-summary.sh "$results" "$projects" || exit 1
exit "$status"
