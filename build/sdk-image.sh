#!/usr/bin/env bash
# Builds an SDK image like mcr.microsoft.com/dotnet/sdk from the machine's own dotnet install, with no registry pull:
# the whole dotnet folder (host, SDK, runtimes, packs), the libraries `ldd` names plus the loader, root user,
# DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1. Made with `docker import`. It stands for the build stage of the multi-stage
# Dockerfile most .NET projects use (Visual Studio's "Add Docker support", the docs' "Containerize a .NET app"), so a
# benchmark can time the rebuild loop developers have today: `docker build` compiling inside the image.
#
#   build/sdk-image.sh                -> filesync-test:sdk
#   build/sdk-image.sh --image NAME   -> another image name
#
# Idempotent: an image whose label filesync.sdk-image matches this recipe's version is kept.
set -euo pipefail

IMAGE=filesync-test:sdk
while [ $# -gt 0 ]; do
  case "$1" in
    --image) IMAGE="$2"; shift ;;
    *) echo "sdk-image: unknown option '$1' (use --image NAME)" >&2; exit 2 ;;
  esac
  shift
done

DOTNET_ROOT_HOST="${DOTNET_ROOT:-/usr/share/dotnet}"
[ -x "$DOTNET_ROOT_HOST/dotnet" ] || DOTNET_ROOT_HOST=$(dirname "$(readlink -f "$(command -v dotnet)")")
SDK=$("$DOTNET_ROOT_HOST/dotnet" --version)
RECIPE_VERSION="2-sdk=$SDK"
if [ "$(docker image inspect --format '{{ index .Config.Labels "filesync.sdk-image" }}' "$IMAGE" 2>/dev/null)" = "$RECIPE_VERSION" ]; then
  echo "sdk-image: $IMAGE ready (recipe $RECIPE_VERSION)" >&2
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root/usr/share" "$root/usr/bin" "$root/etc" "$root/root" "$root/tmp" "$root/src"
cp -a "$DOTNET_ROOT_HOST" "$root/usr/share/dotnet"
ln -s ../share/dotnet/dotnet "$root/usr/bin/dotnet"

# The libraries the host, runtimes and SDK tools name, the loader, and OpenSSL when the machine has it.
. "$(dirname "$0")/rootfs-libs.sh"
rootfs_libs "$root" --openssl optional

printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"

tar -C "$root" --numeric-owner -c . | docker import \
  --change 'WORKDIR /src' \
  --change "LABEL filesync.sdk-image=$RECIPE_VERSION" \
  --change 'ENV PATH=/usr/bin HOME=/root DOTNET_ROOT=/usr/share/dotnet DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1' \
  --change 'ENTRYPOINT ["/usr/share/dotnet/dotnet"]' \
  - "$IMAGE" >/dev/null
echo "sdk-image: built $IMAGE (.NET SDK $SDK)" >&2
