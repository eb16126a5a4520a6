# Sourced by scripts/cluster-demo.sh and bench/stream_e2e.sh: a PostgreSQL 15
# cluster and a nats-server with JetStream on free ports of 127.0.0.1, both
# in one directory, stopped and removed by cluster_stop (or at exit).
#
#   source scripts/cluster-lib.sh
#   cluster_start DIR     # sets CLUSTER_DB (postgres://...), CLUSTER_NATS (nats://...)
#   cluster_start_pg DIR  # PostgreSQL only: sets CLUSTER_DB
#   cluster_spawn CMD...  # runs CMD in the background; cluster_stop kills it
#   cluster_decisions     # SELECT count(*) FROM decisions
#   cluster_sql SQL       # one statement's answer on the database
#   cluster_stream_messages STREAM  # messages a JetStream stream holds
#   cluster_stop
# As root, PostgreSQL runs as the `postgres` user (it refuses root).

CLUSTER_PGBIN=/usr/lib/postgresql/15/bin
CLUSTER_PIDS=()

cluster_as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cluster_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cluster_start_pg() {
  CLUSTER_DIR="$1"
  [ -x "$CLUSTER_PGBIN/initdb" ] || { echo "PostgreSQL 15 not installed (scripts/install-deps.sh)" >&2; return 1; }
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$CLUSTER_DIR"; fi
  CLUSTER_PG_PORT=$(cluster_free_port)
  cluster_as_pg "$CLUSTER_PGBIN/initdb" -D "$CLUSTER_DIR/pg" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$CLUSTER_DIR/initdb.log" 2>&1
  cluster_as_pg "$CLUSTER_PGBIN/pg_ctl" -D "$CLUSTER_DIR/pg" -l "$CLUSTER_DIR/postgres.log" -w \
    -o "-p $CLUSTER_PG_PORT -k $CLUSTER_DIR -c listen_addresses=127.0.0.1 ${CLUSTER_PG_OPTIONS:-}" start >/dev/null
  cluster_as_pg "$CLUSTER_PGBIN/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -qc "CREATE DATABASE evenhand" postgres
  CLUSTER_DB="postgres://postgres@127.0.0.1:$CLUSTER_PG_PORT/evenhand"
}

cluster_start() {
  command -v nats-server >/dev/null || { echo "nats-server not installed (scripts/install-deps.sh)" >&2; return 1; }
  cluster_start_pg "$1" || return 1
  CLUSTER_NATS_PORT=$(cluster_free_port)
  CLUSTER_NATS_MONITOR_PORT=$(cluster_free_port)
  CLUSTER_NATS="nats://127.0.0.1:$CLUSTER_NATS_PORT"
  nats-server -js -sd "$CLUSTER_DIR/nats" -a 127.0.0.1 -p "$CLUSTER_NATS_PORT" -m "$CLUSTER_NATS_MONITOR_PORT" \
    >"$CLUSTER_DIR/nats.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$CLUSTER_NATS_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nats-server did not start (see $CLUSTER_DIR/nats.log)" >&2
  return 1
}

cluster_spawn() {
  "$@" &
  CLUSTER_PIDS+=($!)
}

# cluster_sql SQL: the answer of one statement on the evenhand database (unaligned, no header).
cluster_sql() {
  cluster_as_pg "$CLUSTER_PGBIN/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -tAc "$1" evenhand
}

# cluster_stream_messages STREAM: how many messages a JetStream stream holds (monitoring endpoint).
cluster_stream_messages() {
  python3 - "$CLUSTER_NATS_MONITOR_PORT" "$1" <<'PY'
import json, sys, urllib.request
port, name = sys.argv[1], sys.argv[2]
doc = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/jsz?streams=true", timeout=5))
for account in doc.get("account_details", []):
    for stream in account.get("stream_detail", []):
        if stream["name"] == name:
            print(stream["state"]["messages"])
            sys.exit(0)
print(0)
PY
}

cluster_decisions() {
  cluster_as_pg "$CLUSTER_PGBIN/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -tAc \
    "SELECT count(*) FROM decisions" evenhand 2>/dev/null || echo 0
}

cluster_stop() {
  for p in "${CLUSTER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${CLUSTER_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  CLUSTER_PIDS=()
  if [ -n "${CLUSTER_DIR:-}" ]; then
    cluster_as_pg "$CLUSTER_PGBIN/pg_ctl" -D "$CLUSTER_DIR/pg" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=""
  fi
}
