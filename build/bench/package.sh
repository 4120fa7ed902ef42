# Sourced by the benchmarks (not run by itself): the FileSync package they consume, $FILESYNC_PACKAGE_DIR when given,
# else this tree packed into the run's work folder. Sets FEED (the folder holding the .nupkg) and VERSION.
#   bench_package WORK_FOLDER REPOSITORY
bench_package() {
  local work="$1" repo="$2"
  FEED=${FILESYNC_PACKAGE_DIR:-}
  if [ -z "$FEED" ]; then
    FEED=$work/feed
    dotnet pack "$repo/src/FileSync.Tasks" -c Release -o "$FEED" --artifacts-path "$work/pack-artifacts" -nologo -v q >"$work/pack.log" 2>&1 \
      || { tail -n 40 "$work/pack.log" >&2; exit 1; }
  fi
  VERSION=$(basename "$(ls "$FEED"/FileSync.*.nupkg | head -n 1)" .nupkg)
  VERSION=${VERSION#FileSync.}
}
