#!/usr/bin/env bash
# Installs Podman (Debian's package) and imports the test image `filesync-test:busybox` into its rootful store,
# the same busybox rootfs build/setup-docker.sh gives Docker (no registry pull).
# Idempotent and fast when both are already there. Starts nothing: the end-to-end fixture starts
# `podman system service` on a socket of its own and ends it by pid.
# Podman runs with the flags below everywhere (this sandbox has no overlayfs and no systemd):
# the tests pass the same ones (tests/FileSync.EndToEnd.Tests/Podman/PodmanService.cs).
set -euo pipefail

IMAGE="${FILESYNC_TEST_IMAGE:-filesync-test:busybox}"
# Bumped whenever the image recipe changes, so an older local image is rebuilt (same recipe as setup-docker.sh).
IMAGE_VERSION=2
PODMAN=(podman --runtime runc --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)

# runc, not Podman's default crun: crun refuses this sandbox's cgroup v1/v2 hybrid ("cgroups in hybrid mode not supported").
if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
  echo "setup-podman: installing podman, runc and busybox-static with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends podman runc conmon catatonit busybox-static >/dev/null
fi

if [ "$("${PODMAN[@]}" image inspect --format '{{ index .Labels "filesync.test-image" }}' "$IMAGE" 2>/dev/null)" != "$IMAGE_VERSION" ]; then
  echo "setup-podman: importing $IMAGE from /bin/busybox" >&2
  root=$(mktemp -d)
  trap 'rm -rf "$root" "$root.tar"' EXIT
  bash "$(dirname "$0")/busybox-rootfs.sh" "$root"
  tar -C "$root" -c . >"$root.tar"
  "${PODMAN[@]}" import -q \
    --change 'WORKDIR /app' \
    --change "LABEL filesync.test-image=$IMAGE_VERSION" \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["sleep","infinity"]' \
    "$root.tar" "$IMAGE" >/dev/null
  rm -f "$root.tar"
fi
echo "setup-podman: podman $("${PODMAN[@]}" version --format '{{.Client.Version}}'), image $IMAGE ready" >&2
