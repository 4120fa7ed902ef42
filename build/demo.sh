#!/usr/bin/env bash
# The main job: syncs the sample project (Skaffold's file sync sample, ported) into a running container and shows it.
# Usage: bash build/demo.sh [--keep]   (--keep leaves the container running)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
keep=${1:-}
container=filesync-demo
sample="$root/samples/filesync"

bash build/setup-docker.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# A demo is interactive use: the after-build hook and colours as on a developer's machine.
unset CI ContinuousIntegrationBuild

echo "== Packing FileSync"
rm -rf artifacts/package
dotnet pack src/FileSync.Tasks -c Release -o artifacts/package -v q -nologo
version=$(basename artifacts/package/FileSync.*.nupkg .nupkg); version=${version#FileSync.}

echo "== Starting container '$container' from filesync-test:busybox (WORKDIR /app)"
docker rm -f "$container" >/dev/null 2>&1 || true
id=$(docker run -d --network none --name "$container" filesync-test:busybox)
[ "$keep" = "--keep" ] || trap 'docker rm -f "$id" >/dev/null' EXIT

show() { docker exec "$id" find /app /etc/.filebaserc -type f -exec ls -l {} +; }
build() { dotnet build "$sample" --no-restore -nologo -v:m -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages" "$@"; }

dotnet restore "$sample" -v q -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages"
echo "== dotnet build -t:SyncToContainer  (first sync: everything the rules match)"
build -t:SyncToContainer
show

echo "== Edit static-html/index.html, delete content/en/sub/page.md, sync again"
cp "$sample/static-html/index.html" /tmp/filesync-demo-index.html
cp "$sample/content/en/sub/page.md" /tmp/filesync-demo-page.md
printf '<h1>Edited at %s</h1>\n' "$(date +%T)" > "$sample/static-html/index.html"
rm "$sample/content/en/sub/page.md"
build -t:SyncToContainer
show
docker exec "$id" cat /app/static/static-html/index.html

echo "== Nothing changed: a sync sends nothing"
build -t:SyncToContainer

echo "== Restore the sample's files, and let the after-build hook sync them (dotnet build)"
cp /tmp/filesync-demo-index.html "$sample/static-html/index.html"
cp /tmp/filesync-demo-page.md "$sample/content/en/sub/page.md"
build
show
