# Sourced by build/chiseled-image.sh and build/sdk-image.sh (not run by itself): copies into a rootfs what the dotnet
# install in it needs from this machine, with no package manager: the libraries `ldd` names for the host and every
# native library (each with its loader), OpenSSL when asked (ASP.NET Core loads it by name), and the loader itself;
# then keeps the paths ldd gave valid on distros where /lib is a link to /usr/lib.
#
#   rootfs_libs ROOT [--openssl required|optional]

rootfs_libs() {
  local root="$1" openssl="${3:-}" lib name path dir
  copy_lib() {
    mkdir -p "$root$(dirname "$1")"
    cp -L "$1" "$root$1"
  }
  for lib in $(find "$root/usr/share/dotnet" -type f \( -name dotnet -o -name '*.so' \) -print0 |
    xargs -0 ldd 2>/dev/null | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u); do
    case "$lib" in "$root"/*) continue ;; esac # resolved inside the rootfs itself: already there
    copy_lib "$lib"
  done
  if [ -n "$openssl" ]; then
    for name in libssl.so.3 libcrypto.so.3; do
      # awk reads to the end: an early exit closes the pipe under ldconfig, whose SIGPIPE would fail the script (pipefail).
      path=$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64|x86_64|AArch64/ && !found { print $NF; found = 1 }')
      if [ -n "$path" ]; then
        copy_lib "$path"
      elif [ "$openssl" = required ]; then
        echo "rootfs-libs: $name not found on this machine (ldconfig -p)" >&2
        return 1
      fi
    done
  fi
  for lib in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
    [ ! -e "$lib" ] || copy_lib "$lib"
  done
  for dir in lib lib64; do
    if [ -L "/$dir" ] && [ -d "$root/$dir" ] && [ ! -L "$root/$dir" ]; then
      mkdir -p "$root/usr/$dir"
      cp -a "$root/$dir/." "$root/usr/$dir/"
      rm -rf "${root:?}/$dir"
      ln -s "usr/$dir" "$root/$dir"
    fi
  done
}
