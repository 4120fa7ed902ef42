#!/usr/bin/env bash
# Installs what the ssh:// endpoint tests need: Debian's OpenSSH server (the tests start their own sshd on 127.0.0.1 at a
# free port, with keys they make, and end it by pid) and the client. Starts nothing.
# Idempotent and quick once installed.
set -euo pipefail

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1 || ! command -v ssh-keygen >/dev/null 2>&1; then
  echo "setup-sshd: installing openssh-server and openssh-client with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # policy-rc.d 101: the package must not start a system sshd on port 22.
  policy=/usr/sbin/policy-rc.d
  added=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && added=1
  fi
  apt-get install -y -qq openssh-server openssh-client >/dev/null
  if [ -n "$added" ]; then rm -f "$policy"; fi
fi

# sshd's privilege separation folder (on tmpfs: gone after a reboot).
mkdir -p /run/sshd
