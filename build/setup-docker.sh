#!/usr/bin/env bash
# Makes a Docker engine answer and builds the local test image `filesync-test:busybox`
# (busybox from Debian's package, imported with `docker import`: no registry pull).
# Idempotent: an engine that already answers and an image that already exists are kept.
set -euo pipefail

IMAGE="${FILESYNC_TEST_IMAGE:-filesync-test:busybox}"
# Bumped whenever the image recipe changes, so an older local image is rebuilt.
IMAGE_VERSION=2
LOG="${FILESYNC_DOCKERD_LOG:-/tmp/filesync-dockerd.log}"

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! engine_answers; then
  if ! command -v dockerd >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
    echo "setup-docker: installing docker.io and busybox-static with apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq docker.io busybox-static >/dev/null
  fi
  echo "setup-docker: starting dockerd (log: $LOG)" >&2
  # vfs + no iptables/bridge: works in an unprivileged-looking sandbox; containers run --network none.
  nohup dockerd --storage-driver=vfs --iptables=false --bridge=none >"$LOG" 2>&1 &
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  engine_answers || { echo "setup-docker: dockerd did not answer; see $LOG" >&2; tail -n 30 "$LOG" >&2; exit 1; }
fi

if [ ! -x /bin/busybox ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq busybox-static >/dev/null
fi

if [ "$(docker image inspect --format '{{ index .Config.Labels "filesync.test-image" }}' "$IMAGE" 2>/dev/null)" != "$IMAGE_VERSION" ]; then
  echo "setup-docker: building $IMAGE from /bin/busybox" >&2
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  bash "$(dirname "$0")/busybox-rootfs.sh" "$root"
  tar -C "$root" -c . | docker import \
    --change 'WORKDIR /app' \
    --change "LABEL filesync.test-image=$IMAGE_VERSION" \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["sleep","infinity"]' \
    - "$IMAGE" >/dev/null
fi
echo "setup-docker: engine $(docker version --format '{{.Server.Version}}'), image $IMAGE ready" >&2
