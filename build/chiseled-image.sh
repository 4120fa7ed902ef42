#!/usr/bin/env bash
# Builds a chiseled-like .NET image from the machine's own dotnet install, with no registry pull: the `dotnet` host,
# host/fxr and shared/Microsoft.NETCore.App (optionally Microsoft.AspNetCore.App + libssl/libcrypto), only the
# libraries `ldd` names plus the loader, /etc/passwd with app:x:1654, USER 1654, WORKDIR /app,
# DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1. No shell, no rm, no tar. Made with `docker import`.
#
#   build/chiseled-image.sh                 -> filesync-test:chiseled         (.NET runtime only)
#   build/chiseled-image.sh --aspnet        -> filesync-test:chiseled-aspnet  (+ ASP.NET Core runtime, libssl, libcrypto)
#   build/chiseled-image.sh --image NAME    -> another image name
#
# Idempotent: an image whose label filesync.chiseled-image matches this recipe's version (and options) is kept.
set -euo pipefail

ASPNET=false
IMAGE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --aspnet) ASPNET=true ;;
    --image) IMAGE="$2"; shift ;;
    *) echo "chiseled-image: unknown option '$1' (use --aspnet, --image NAME)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$IMAGE" ]; then
  if [ "$ASPNET" = true ]; then IMAGE=filesync-test:chiseled-aspnet; else IMAGE=filesync-test:chiseled; fi
fi

# Bumped whenever the recipe changes, so an older local image is rebuilt.
RECIPE_VERSION="2-aspnet=$ASPNET"
DOTNET_ROOT_HOST="${DOTNET_ROOT:-/usr/share/dotnet}"
[ -x "$DOTNET_ROOT_HOST/dotnet" ] || DOTNET_ROOT_HOST=$(dirname "$(readlink -f "$(command -v dotnet)")")

if [ "$(docker image inspect --format '{{ index .Config.Labels "filesync.chiseled-image" }}' "$IMAGE" 2>/dev/null)" = "$RECIPE_VERSION" ]; then
  echo "chiseled-image: $IMAGE ready (recipe $RECIPE_VERSION)" >&2
  exit 0
fi

# The newest runtime that is a real runtime (has libcoreclr.so).
newest() {
  local framework="$1" marker="$2" best=""
  for dir in $(ls -d "$DOTNET_ROOT_HOST/shared/$framework"/*/ 2>/dev/null | sort -V); do
    [ -e "$dir/$marker" ] && best=$(basename "$dir")
  done
  [ -n "$best" ] || { echo "chiseled-image: no $framework under $DOTNET_ROOT_HOST/shared" >&2; exit 1; }
  echo "$best"
}
NETCORE=$(newest Microsoft.NETCore.App libcoreclr.so)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root/usr/share/dotnet/shared/Microsoft.NETCore.App" "$root/usr/share/dotnet/host" "$root/usr/bin" \
  "$root/etc" "$root/app" "$root/tmp" "$root/home/app"
cp -a "$DOTNET_ROOT_HOST/dotnet" "$root/usr/share/dotnet/"
cp -a "$DOTNET_ROOT_HOST/host/fxr" "$root/usr/share/dotnet/host/"
cp -a "$DOTNET_ROOT_HOST/shared/Microsoft.NETCore.App/$NETCORE" "$root/usr/share/dotnet/shared/Microsoft.NETCore.App/"
if [ "$ASPNET" = true ]; then
  ASPNETCORE=$(newest Microsoft.AspNetCore.App Microsoft.AspNetCore.dll)
  mkdir -p "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$DOTNET_ROOT_HOST/shared/Microsoft.AspNetCore.App/$ASPNETCORE" "$root/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
fi
ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"

# The libraries the host and runtime name, the loader, and OpenSSL for ASP.NET Core (loaded by name).
. "$(dirname "$0")/rootfs-libs.sh"
if [ "$ASPNET" = true ]; then rootfs_libs "$root" --openssl required; else rootfs_libs "$root"; fi

printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654:app:/home/app:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
chown 1654:1654 "$root/home/app"

tar -C "$root" --numeric-owner -c . | docker import \
  --change 'WORKDIR /app' \
  --change 'USER 1654' \
  --change "LABEL filesync.chiseled-image=$RECIPE_VERSION" \
  --change 'ENV PATH=/usr/bin DOTNET_ROOT=/usr/share/dotnet DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 APP_UID=1654' \
  --change 'ENTRYPOINT ["/usr/share/dotnet/dotnet"]' \
  - "$IMAGE" >/dev/null
echo "chiseled-image: built $IMAGE (Microsoft.NETCore.App $NETCORE$([ "$ASPNET" = true ] && echo ", Microsoft.AspNetCore.App $ASPNETCORE"))" >&2
