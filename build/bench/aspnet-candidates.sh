#!/usr/bin/env bash
# The measurements behind FileSync's default for ASP.NET Core static web assets (README "ASP.NET Core"), on a fresh
# `dotnet new webapp` in the chiseled-like image (build/aspnet-image.sh), reachable with --network host:
#   shipped   published as the SDK does it (compression on), no runtime reload
#   reload    the same + ASPNETCORE_ReloadStaticAssetsAtRuntime=true
#   (a)       compression on; after an edit: incremental `dotnet publish` regenerates .gz/.br + the endpoints manifest,
#             they are copied in and the app restarted (docker restart stands in for a process restart)
#   (b)       compression off (CompressionEnabled=false, what a FileSync dev build does) + the runtime reload
# For each: a bigger site.css, a new js/new.js and a smaller site.css are copied in (docker cp: the same archive PUT a
# sync makes), then each is read plain, gzip and as a browser asks, decoded by curl and compared with the file;
# (a) and (b) are also timed from edit to the new answer (median of -n runs).
# Usage: bash build/bench/aspnet-candidates.sh [-n RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=5
[ "${1:-}" = "-n" ] && runs=$2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
bash build/setup-docker.sh
work=$(mktemp -d)
containers=()
cleanup() { for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker rmi filesync-bench-cand:on filesync-bench-cand:off >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) }'; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet new webapp -o "$work/w" -n W >/dev/null
dotnet publish "$work/w" -c Debug -o "$work/on" -v q -nologo >/dev/null
dotnet publish "$work/w" -c Debug -o "$work/off" -p:CompressionEnabled=false -v q -nologo >/dev/null
bash build/aspnet-image.sh --app "$work/on" --dll W.dll --image filesync-bench-cand:on
bash build/aspnet-image.sh --app "$work/off" --dll W.dll --image filesync-bench-cand:off

start() { # image, extra docker run args... -> sets cid, url
  local p; p=$(port); url="http://127.0.0.1:$p"
  cid=$(docker run -d --network host -e ASPNETCORE_URLS="$url" "${@:2}" "$1"); containers+=("$cid")
  for _ in $(seq 1 200); do curl -sf -o /dev/null "$url/" && return; sleep 0.05; done
  echo "the app did not answer" >&2; exit 1
}
check() { # path, expected file -> "plain gzip browser" verdicts
  local out="" how
  for how in plain gzip browser; do
    case $how in plain) ae=() ;; gzip) ae=(--compressed -H 'Accept-Encoding: gzip') ;; browser) ae=(--compressed -H 'Accept-Encoding: gzip, deflate, br, zstd') ;; esac
    if curl -sf "${ae[@]}" "$url$1" -o "$work/body" 2>/dev/null && cmp -s "$work/body" "$2"; then out="$out ok"; else out="$out STALE/BAD"; fi
  done
  echo "$out"
}
edits() { # container, publish folder
  { cat "$2/wwwroot/css/site.css"; printf '/* bigger %s */ body { color: red; }\n' "$(date +%s%N)"; } >"$work/big.css"
  echo "console.log('new');" >"$work/new.js"
  printf 'body{margin:0}\n' >"$work/small.css"
  docker cp "$work/big.css" "$1:/app/wwwroot/css/site.css"; docker cp "$work/new.js" "$1:/app/wwwroot/js/new.js"
  echo "  bigger site.css (plain gzip browser):$(check /css/site.css "$work/big.css")   new.js:$(check /js/new.js "$work/new.js")"
  docker cp "$work/small.css" "$1:/app/wwwroot/css/site.css"
  echo "  smaller site.css (plain gzip browser):$(check /css/site.css "$work/small.css")"
}

echo "== shipped (compression on, no reload)"; start filesync-bench-cand:on; edits "$cid" "$work/on"
echo "== reload (compression on + ASPNETCORE_ReloadStaticAssetsAtRuntime=true)"; start filesync-bench-cand:on -e ASPNETCORE_ReloadStaticAssetsAtRuntime=true; edits "$cid" "$work/on"
echo "== (b) compression off + reload"; start filesync-bench-cand:off -e ASPNETCORE_ReloadStaticAssetsAtRuntime=true; edits "$cid" "$work/off"
b=(); for i in $(seq 1 "$runs"); do
  printf '/* b %s %s */\n' "$i" "$(date +%s%N)" >>"$work/small.css"; s=$(now_ms)
  docker cp "$work/small.css" "$cid:/app/wwwroot/css/site.css"
  until curl -s --compressed -H 'Accept-Encoding: gzip, deflate, br, zstd' "$url/css/site.css" -o "$work/body" && cmp -s "$work/body" "$work/small.css"; do sleep 0.01; done
  b+=($(($(now_ms) - s)))
done
echo "  (b) copy in -> new answer, median of $runs: $(median "${b[@]}") ms (add the dotnet build -t:SyncToContainer process: build/bench/aspnet-loop.sh)"

echo "== (a) compression on; regenerate .gz/.br + manifest, copy them in, restart"; start filesync-bench-cand:on
a=(); for i in $(seq 1 "$runs"); do
  printf '/* a %s %s */\n' "$i" "$(date +%s%N)" >>"$work/w/wwwroot/css/site.css"; s=$(now_ms)
  dotnet publish "$work/w" -c Debug -o "$work/on" --no-restore -v q -nologo >/dev/null
  for f in wwwroot/css/site.css wwwroot/css/site.css.gz wwwroot/css/site.css.br W.staticwebassets.endpoints.json; do docker cp "$work/on/$f" "$cid:/app/$f"; done
  docker restart -t 5 "$cid" >/dev/null
  until curl -s --compressed -H 'Accept-Encoding: gzip, deflate, br, zstd' "$url/css/site.css" -o "$work/body" 2>/dev/null && cmp -s "$work/body" "$work/w/wwwroot/css/site.css"; do sleep 0.01; done
  a+=($(($(now_ms) - s)))
done
echo "  (a) edit -> new answer, median of $runs: $(median "${a[@]}") ms; plain gzip browser:$(check /css/site.css "$work/w/wwwroot/css/site.css")"
