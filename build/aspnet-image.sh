#!/usr/bin/env bash
# An ASP.NET Core app on the chiseled-like image, with no registry pull: the base is build/chiseled-image.sh --aspnet
# (the machine's dotnet host, Microsoft.NETCore.App + Microsoft.AspNetCore.App, only the libraries `ldd` names plus
# libssl/libcrypto, app:x:1654, USER 1654, WORKDIR /app; no shell, no rm, no tar); this adds the published app as /app
# (owned by 1654) with `docker build` FROM that local image.
#
#   build/aspnet-image.sh                                   -> filesync-test:chiseled-aspnet (the base only)
#   build/aspnet-image.sh --app DIR --dll App.dll --image N -> N: the base + DIR as /app, ENTRYPOINT dotnet /app/App.dll
#   ... --launcher                                         -> ENTRYPOINT dotnet /app/filesync-launcher.dll App.dll (the app
#                                                             published with FileSyncLauncher=true): `process` actions restart it
#   ... --dev                                              -> a FileSync dev image: ASPNETCORE_ReloadStaticAssetsAtRuntime=true,
#                                                             so MapStaticAssets serves synced wwwroot files (README "ASP.NET Core")
#
# Idempotent: an image whose label filesync.aspnet-image matches this recipe, the base and the app folder's content is kept.
set -euo pipefail

APP=""
DLL=""
IMAGE=""
DEV=false
LAUNCHER=false
while [ $# -gt 0 ]; do
  case "$1" in
    --app) APP="$2"; shift ;;
    --dll) DLL="$2"; shift ;;
    --image) IMAGE="$2"; shift ;;
    --dev) DEV=true ;;
    --launcher) LAUNCHER=true ;;
    *) echo "aspnet-image: unknown option '$1' (use --app DIR --dll App.dll --image NAME --dev --launcher)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$APP" ] && [ -z "$DLL" ]; then echo "aspnet-image: --app needs --dll (the app's entry assembly)" >&2; exit 2; fi

BASE=filesync-test:chiseled-aspnet
bash "$(dirname "$0")/chiseled-image.sh" --aspnet --image "$BASE"
if [ -z "$APP" ]; then
  exit 0
fi
[ -n "$IMAGE" ] || { echo "aspnet-image: --app needs --image NAME" >&2; exit 2; }
[ -f "$APP/$DLL" ] || { echo "aspnet-image: $APP/$DLL not found (publish the app first)" >&2; exit 1; }
[ "$LAUNCHER" = false ] || [ -f "$APP/filesync-launcher.dll" ] || { echo "aspnet-image: --launcher needs $APP/filesync-launcher.dll (publish with FileSyncLauncher=true)" >&2; exit 1; }

# Bumped whenever the recipe changes, so an older local image is rebuilt.
RECIPE_VERSION=3
base_id=$(docker image inspect --format '{{.Id}}' "$BASE")
label="$RECIPE_VERSION-dev=$DEV-launcher=$LAUNCHER-$DLL-${base_id:7:12}-$(cd "$APP" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ "$(docker image inspect --format '{{ index .Config.Labels "filesync.aspnet-image" }}' "$IMAGE" 2>/dev/null)" = "$label" ]; then
  echo "aspnet-image: $IMAGE ready" >&2
  exit 0
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
mkdir -p "$context/app"
cp -a "$APP/." "$context/app/"
{
  echo "FROM $BASE"
  echo "COPY --chown=1654:1654 app/ /app/"
  [ "$DEV" = true ] && echo "ENV ASPNETCORE_ReloadStaticAssetsAtRuntime=true"
  echo "LABEL filesync.aspnet-image=$label"
  if [ "$LAUNCHER" = true ]; then
    echo "ENTRYPOINT [\"/usr/share/dotnet/dotnet\", \"/app/filesync-launcher.dll\", \"/app/$DLL\"]"
  else
    echo "ENTRYPOINT [\"/usr/share/dotnet/dotnet\", \"/app/$DLL\"]"
  fi
} >"$context/Dockerfile"

previous=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
# The legacy builder needs no BuildKit and pulls nothing: the base is local.
DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$context" >/dev/null
# The image this one replaces would stay behind untagged; it stays only while a container still uses it.
[ -z "$previous" ] || [ "$previous" = "$(docker image inspect --format '{{.Id}}' "$IMAGE")" ] || docker rmi "$previous" >/dev/null 2>&1 || true
echo "aspnet-image: built $IMAGE (on $BASE, app $DLL, dev=$DEV)" >&2
