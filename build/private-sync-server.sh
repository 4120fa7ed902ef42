# Sourced by the demo and the benchmarks (not run by itself): the syncs they run get a sync server of their own (its
# socket folder is a fresh private one, so no other checkout's or user's server is used or ended), and
# end_sync_servers ends it at exit, by the pid it wrote. Without this a build started outside CI leaves its server
# running until FileSyncServerIdleMinutes pass.
FILESYNC_SERVER_DIR=$(mktemp -d /tmp/filesync-srv.XXXXXX) # mode 0700, as the server requires
export FILESYNC_SERVER_DIR

end_sync_servers() {
  local pidfile
  for pidfile in "$FILESYNC_SERVER_DIR"/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$FILESYNC_SERVER_DIR"
}
