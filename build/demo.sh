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
. build/private-sync-server.sh # the demo's builds use a sync server of their own, ended at exit
backup=$(mktemp -d) # the sample files the demo edits, restored from here (never a fixed /tmp name another checkout shares)

echo "== Packing FileSync"
rm -rf artifacts/package
dotnet pack src/FileSync.Tasks -c Release -o artifacts/package -v q -nologo
version=$(basename artifacts/package/FileSync.*.nupkg .nupkg); version=${version#FileSync.}

echo "== Starting container '$container' from filesync-test:busybox (WORKDIR /app)"
docker rm -f "$container" >/dev/null 2>&1 || true
id=$(docker run -d --network none --name "$container" filesync-test:busybox)
if [ "$keep" = "--keep" ]; then trap 'end_sync_servers; rm -rf "$backup"' EXIT; else trap 'docker rm -f "$id" >/dev/null; end_sync_servers; rm -rf "$backup"' EXIT; fi

show() { docker exec "$id" find /app /etc/.filebaserc -type f -exec ls -l {} +; }
build() { dotnet build "$sample" --no-restore -nologo -v:m -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages" "$@"; }

dotnet restore "$sample" -v q -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages"
echo "== dotnet build -t:SyncToContainer  (first sync: everything the rules match)"
build -t:SyncToContainer
show

echo "== Edit static-html/index.html, delete content/en/sub/page.md, sync again"
cp "$sample/static-html/index.html" "$backup/index.html"
cp "$sample/content/en/sub/page.md" "$backup/page.md"
printf '<h1>Edited at %s</h1>\n' "$(date +%T)" > "$sample/static-html/index.html"
rm "$sample/content/en/sub/page.md"
build -t:SyncToContainer
show
docker exec "$id" cat /app/static/static-html/index.html

echo "== Nothing changed: a sync sends nothing"
build -t:SyncToContainer

echo "== Restore the sample's files, and let the after-build hook sync them (dotnet build)"
cp "$backup/index.html" "$sample/static-html/index.html"
cp "$backup/page.md" "$sample/content/en/sub/page.md"
build
show

# ---- ASP.NET Core: samples/aspnet (dotnet new webapp + /api/version) in a chiseled-like container (README "ASP.NET Core")
aspnet="$root/samples/aspnet"
aspnet_container=filesync-aspnet-demo
aspnet_image=filesync-aspnet-demo:dev
aspnet_build() { dotnet build "$aspnet" --no-restore -nologo -v:m -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages" "$@"; }
echo "== ASP.NET Core: publish samples/aspnet (Debug: a FileSync dev build) and image it on a chiseled-like base (no shell, USER 1654)"
dotnet publish "$aspnet" -c Debug -o "$root/artifacts/aspnet-demo/publish" -v q -nologo \
  -p:FileSyncVersion="$version" -p:RestorePackagesPath="$root/artifacts/demo-packages"
bash build/aspnet-image.sh --app "$root/artifacts/aspnet-demo/publish" --dll AspNetSample.dll --image "$aspnet_image" --dev --launcher
aspnet_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
docker rm -f "$aspnet_container" >/dev/null 2>&1 || true
aspnet_id=$(docker run -d --network host --name "$aspnet_container" -e ASPNETCORE_URLS="http://127.0.0.1:$aspnet_port" "$aspnet_image")
site="$aspnet/wwwroot/css/site.css"
program="$aspnet/Program.cs"
cp "$site" "$backup/site.css"
cp "$program" "$backup/Program.cs"
restore_sources() { cp "$backup/site.css" "$site"; cp "$backup/Program.cs" "$program"; }
cleanup_aspnet() { restore_sources; [ "$keep" = "--keep" ] || docker rm -f "$aspnet_id" >/dev/null; }
if [ "$keep" = "--keep" ]; then trap 'restore_sources; end_sync_servers; rm -rf "$backup"' EXIT; else trap 'docker rm -f "$id" >/dev/null; cleanup_aspnet; end_sync_servers; rm -rf "$backup"' EXIT; fi
url="http://127.0.0.1:$aspnet_port"
for _ in $(seq 1 200); do curl -sf -o /dev/null "$url/" && break; sleep 0.1; done # readiness, bounded (20 s)
browser=(-s --compressed -H 'Accept-Encoding: gzip, deflate, br, zstd')
echo "== First sync into the new container (the whole of wwwroot and the build outputs; the image has the same bytes)"
aspnet_build -t:SyncToContainer
for _ in $(seq 1 300); do curl -sf -o /dev/null "$url/" && break; sleep 0.1; done # the first sync restarted the app (bounded)
echo "== curl $url/css/site.css (as a browser asks), last line; and /api/version"
curl "${browser[@]}" "$url/css/site.css" | tail -n 1; echo; curl -s "$url/api/version"; echo
echo "== Edit wwwroot/css/site.css, dotnet build -t:SyncToContainer, curl again"
printf '\n/* edited by the demo at %s */\n' "$(date +%T)" >>"$site"
aspnet_build -t:SyncToContainer
curl "${browser[@]}" "$url/css/site.css" | tail -n 1; echo
cmp <(curl "${browser[@]}" "$url/css/site.css") "$site" && echo "== the app serves exactly the edited file"

echo "== Edit C# (AppVersion.Text v1 -> v2) and dotnet build: the changed outputs are synced, the app's process restarted"
sed -i 's/Text = "v1"/Text = "v2"/' "$program"
aspnet_build
for _ in $(seq 1 300); do [ "$(curl -sf "$url/api/version")" = v2 ] && break; sleep 0.1; done # the new process listens (bounded, 30 s)
echo "/api/version: $(curl -s "$url/api/version")"
docker logs "$aspnet_id" 2>&1 | grep 'filesync-launcher: restarting' | tail -n 1
[ "$(curl -s "$url/api/version")" = v2 ] && echo "== the app answers the new code, in the same container"
