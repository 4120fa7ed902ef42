#!/usr/bin/env bash
# Fills a folder with the test image's root file system: busybox and its applets, /app, a user `app` (1000), a
# sticky /tmp. One recipe for every engine's copy of the image (setup-docker.sh, setup-podman.sh).
# Usage: bash build/busybox-rootfs.sh <empty folder>
set -euo pipefail
root=$1
chmod 755 "$root" # mktemp makes it 0700: a non-root container user could not even run /bin/sleep
mkdir -p "$root/bin" "$root/app" "$root/etc" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' >"$root/etc/group"
chmod 1777 "$root/tmp"
