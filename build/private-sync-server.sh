# Sourced by the demo and the benchmarks (not run by itself): the syncs they run get a sync server of their own (its
# socket folder is a fresh private one, so no other checkout's or user's server is used or ended), and
# end_sync_servers ends it at exit, by the pid it wrote. Without this a build started outside CI leaves its server
# running until FileSyncServerIdleMinutes pass.
FILESYNC_SERVER_DIR=$(mktemp -d /tmp/filesync-srv.XXXXXX) # mode 0700, as the server requires
export FILESYNC_SERVER_DIR

end_sync_servers() {
  local pidfile pid i
  for pidfile in "$FILESYNC_SERVER_DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    # It writes its log while it ends: the folder goes once the server is gone (5 s at most), never failing the exit trap.
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  done
  rm -rf "$FILESYNC_SERVER_DIR" 2>/dev/null || rm -rf "$FILESYNC_SERVER_DIR" 2>/dev/null || true
}
