#!/usr/bin/env bash
# Static file edit -> new HTTP answer, on samples/aspnet in its chiseled-like dev container (README "ASP.NET Core").
# Each run appends a marker to wwwroot/css/site.css, runs `dotnet build -t:SyncToContainer`, and polls the app with the
# Accept-Encoding every browser sends until the decoded answer is exactly the new file (curl --compressed decodes
# gzip/br; a body that does not decode is not an answer). Prints each run and the medians.
# Usage: bash build/bench/aspnet-loop.sh [-n RUNS]   (FILESYNC_PACKAGE_DIR: a packed FileSync; packed here if unset)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=10
[ "${1:-}" = "-n" ] && runs=$2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
unset CI ContinuousIntegrationBuild
. build/private-sync-server.sh # its syncs run on a sync server of this run's own, ended at exit

bash build/setup-docker.sh
package=${FILESYNC_PACKAGE_DIR:-}
if [ -z "$package" ]; then
  package="$root/artifacts/package"
  rm -rf "$package"
  dotnet pack src/FileSync.Tasks -c Release -o "$package" -v q -nologo >/dev/null
fi
version=$(basename "$package"/FileSync.*.nupkg .nupkg); version=${version#FileSync.}

work=$(mktemp -d)
name=filesync-bench-aspnet-$$
image=filesync-bench-aspnet:$$
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; docker rmi "$image" >/dev/null 2>&1 || true; end_sync_servers; rm -rf "$work"; }
trap cleanup EXIT
cp -r samples/aspnet "$work/app"
sed -i "s#../../artifacts/package#$package#" "$work/app/NuGet.config"
props=(-p:FileSyncVersion="$version" -p:RestorePackagesPath="$work/packages" -p:FileSyncContainer="$name")
dotnet publish "$work/app" -c Debug -o "$work/publish" "${props[@]}" -v q -nologo >/dev/null
bash build/aspnet-image.sh --app "$work/publish" --dll AspNetSample.dll --image "$image" --dev
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
docker run -d --name "$name" --network host -e ASPNETCORE_URLS="http://127.0.0.1:$port" "$image" >/dev/null
url="http://127.0.0.1:$port/css/site.css"
for _ in $(seq 1 200); do curl -sf -o /dev/null "$url" && break; sleep 0.05; done
sync() { dotnet build "$work/app" --no-restore -nologo -v:m -t:SyncToContainer "${props[@]}"; }
sync >/dev/null # first sync: the whole wwwroot
now_ms() { date +%s%3N; }

site="$work/app/wwwroot/css/site.css"
total=() synced=()
for i in $(seq 1 "$runs"); do
  printf '\n/* edit %s %s */\n' "$i" "$(date +%s%N)" >>"$site"
  start=$(now_ms)
  sync | grep -o 'FileSync: .*' || true
  after_sync=$(now_ms)
  until curl -s --compressed -H 'Accept-Encoding: gzip, deflate, br, zstd' "$url" -o "$work/body" && cmp -s "$work/body" "$site"; do
    [ $(($(now_ms) - start)) -lt 30000 ] || { echo "run $i: no new answer within 30 s" >&2; exit 1; }
    sleep 0.01
  done
  end=$(now_ms)
  total+=($((end - start))); synced+=($((after_sync - start)))
  echo "run $i: edit -> new answer $((end - start)) ms (dotnet build -t:SyncToContainer $((after_sync - start)) ms)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) }'; }
echo "median of $runs: edit -> new answer (browser encoding) $(median "${total[@]}") ms; of which dotnet build -t:SyncToContainer $(median "${synced[@]}") ms"
