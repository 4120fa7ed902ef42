#!/usr/bin/env bash
# Builds a chiseled-like ASP.NET Core image from the machine's own dotnet install, with no registry pull, and
# optionally puts a published app in it: the `dotnet` host, host/fxr, shared/Microsoft.NETCore.App and
# shared/Microsoft.AspNetCore.App, only the libraries `ldd` names plus libssl.so.3/libcrypto.so.3 (loaded by name),
# /etc/passwd with app:x:1654, USER 1654, WORKDIR /app, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1. No shell, no rm, no
# tar. One `docker import` of a rootfs that holds the runtime and, with --app, the app in /app (owned by 1654).
#
#   build/aspnet-image.sh                                   -> filesync-aspnet:base (runtime only)
#   build/aspnet-image.sh --app DIR --dll App.dll --image N -> N: the runtime + DIR as /app, ENTRYPOINT dotnet /app/App.dll
#   ... --dev                                              -> a FileSync dev image: ASPNETCORE_ReloadStaticAssetsAtRuntime=true,
#                                                             so MapStaticAssets serves synced wwwroot files (README "ASP.NET Core")
#
# Idempotent: an image whose label filesync.aspnet-image matches this recipe (and the app folder's content hash) is kept.
set -euo pipefail

APP=""
DLL=""
IMAGE=""
DEV=false
while [ $# -gt 0 ]; do
  case "$1" in
    --app) APP="$2"; shift ;;
    --dll) DLL="$2"; shift ;;
    --image) IMAGE="$2"; shift ;;
    --dev) DEV=true ;;
    *) echo "aspnet-image: unknown option '$1' (use --app DIR --dll App.dll --image NAME --dev)" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$APP" ] && [ -z "$DLL" ]; then echo "aspnet-image: --app needs --dll (the app's entry assembly)" >&2; exit 2; fi
[ -n "$IMAGE" ] || IMAGE=filesync-aspnet:base

# Bumped whenever the recipe changes, so an older local image is rebuilt.
RECIPE_VERSION=1
DOTNET_ROOT_HOST="${DOTNET_ROOT:-/usr/share/dotnet}"
[ -x "$DOTNET_ROOT_HOST/dotnet" ] || DOTNET_ROOT_HOST=$(dirname "$(readlink -f "$(command -v dotnet)")")

label="$RECIPE_VERSION-dev=$DEV"
if [ -n "$APP" ]; then
  [ -f "$APP/$DLL" ] || { echo "aspnet-image: $APP/$DLL not found (publish the app first)" >&2; exit 1; }
  label="$label-$DLL-$(cd "$APP" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
fi
if [ "$(docker image inspect --format '{{ index .Config.Labels "filesync.aspnet-image" }}' "$IMAGE" 2>/dev/null)" = "$label" ]; then
  echo "aspnet-image: $IMAGE ready" >&2
  exit 0
fi

# The newest real runtime of a shared framework (one with the marker file).
newest() {
  local framework="$1" marker="$2" best=""
  for dir in $(ls -d "$DOTNET_ROOT_HOST/shared/$framework"/*/ 2>/dev/null | sort -V); do
    [ -e "$dir/$marker" ] && best=$(basename "$dir")
  done
  [ -n "$best" ] || { echo "aspnet-image: no $framework under $DOTNET_ROOT_HOST/shared" >&2; exit 1; }
  echo "$best"
}
NETCORE=$(newest Microsoft.NETCore.App libcoreclr.so)
ASPNETCORE=$(newest Microsoft.AspNetCore.App Microsoft.AspNetCore.dll)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
dn="$root/usr/share/dotnet"
mkdir -p "$dn/shared/Microsoft.NETCore.App" "$dn/shared/Microsoft.AspNetCore.App" "$dn/host" "$root/usr/bin" \
  "$root/etc" "$root/app" "$root/tmp" "$root/home/app"
cp -a "$DOTNET_ROOT_HOST/dotnet" "$dn/"
cp -a "$DOTNET_ROOT_HOST/host/fxr" "$dn/host/"
cp -a "$DOTNET_ROOT_HOST/shared/Microsoft.NETCore.App/$NETCORE" "$dn/shared/Microsoft.NETCore.App/"
cp -a "$DOTNET_ROOT_HOST/shared/Microsoft.AspNetCore.App/$ASPNETCORE" "$dn/shared/Microsoft.AspNetCore.App/"
ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"

copy_lib() { mkdir -p "$root$(dirname "$1")"; cp -L "$1" "$root$1"; }
# The libraries the host and runtime name (with the loader); OpenSSL is loaded by name, so ldd does not see it.
for lib in $(find "$dn" -type f \( -name dotnet -o -name '*.so' \) -print0 | xargs -0 ldd 2>/dev/null |
  awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u); do
  copy_lib "$lib"
done
for name in libssl.so.3 libcrypto.so.3; do
  path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64|x86_64|AArch64/ { print $NF; exit }')
  [ -n "$path" ] || { echo "aspnet-image: $name not found on this machine (ldconfig -p)" >&2; exit 1; }
  copy_lib "$path"
done
# Where /lib is a link to /usr/lib on the host, keep the paths ldd gave valid in the image.
for dir in lib lib64; do
  if [ -L "/$dir" ] && [ -d "$root/$dir" ] && [ ! -L "$root/$dir" ]; then
    mkdir -p "$root/usr/$dir"; cp -a "$root/$dir/." "$root/usr/$dir/"; rm -rf "${root:?}/$dir"; ln -s "usr/$dir" "$root/$dir"
  fi
done

printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
chown 1654:1654 "$root/home/app"
entry='ENTRYPOINT ["/usr/share/dotnet/dotnet"]'
env='ENV PATH=/usr/bin DOTNET_ROOT=/usr/share/dotnet DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 APP_UID=1654'
[ "$DEV" = true ] && env="$env ASPNETCORE_ReloadStaticAssetsAtRuntime=true"
if [ -n "$APP" ]; then
  cp -a "$APP/." "$root/app/"
  chown -R 1654:1654 "$root/app"
  entry="ENTRYPOINT [\"/usr/share/dotnet/dotnet\", \"/app/$DLL\"]"
fi

previous=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'WORKDIR /app' \
  --change 'USER 1654' \
  --change "LABEL filesync.aspnet-image=$label" \
  --change "$env" \
  --change "$entry" \
  - "$IMAGE" >/dev/null
# The image this one replaces would stay behind untagged; it stays only while a container still uses it.
[ -z "$previous" ] || docker rmi "$previous" >/dev/null 2>&1 || true
echo "aspnet-image: built $IMAGE (Microsoft.NETCore.App $NETCORE, Microsoft.AspNetCore.App $ASPNETCORE${APP:+, app $DLL})" >&2
