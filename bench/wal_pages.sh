#!/usr/bin/env bash
# WAL pages a commit of one scanned post writes, by table: BIN serves a new
# store (SQLite, WAL mode), N sequential POST /v1/scan of one post each
# (every request its own commit), then the WAL's frames are read back
# (commit frames end a transaction) and each page is named by the table or
# index that holds it now (dbstat). Prints pages per commit over the last
# commits in the WAL (the WAL restarts at its automatic checkpoint, so the
# window is the last ~100 commits). Pages freed and reused since show as
# the table that holds them now or as "?N".
#
# Usage: bash bench/wal_pages.sh BIN [ROOT] [N]   (ROOT: the checkout whose
# policies/regimes BIN reads; default this one. N: requests, default 300)
# Needs curl, python3 (sqlite3 module with dbstat). Run it under the build lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$1"; dir="${2:-$root}"; n="${3:-300}"
out="$(mktemp -d "${DB_DIR:-/tmp}/evenhand-wal-pages.XXXXXX")"
pid=""
trap '[ -n "$pid" ] && kill -TERM $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$out"' EXIT
port=$((19600 + RANDOM % 300))
person=()
if "$bin" --help 2>/dev/null | grep -qE '^ +people +'; then
  "$bin" people add --db "$out/db.sqlite" --id bench --role admin --role moderator --actor bench >/dev/null
  person=(--person bench)
fi
key="$("$bin" keys create --db "$out/db.sqlite" --role moderator "${person[@]}" --actor bench --name bench 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
(cd "$dir" && exec "$bin" serve --db "$out/db.sqlite" --policy "$root/examples/policy.yaml" --no-web \
  --listen "127.0.0.1:$port" --threads 1 --rate-limit 0 2>"$out/log") &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
texts=("claim your prize now, free money waiting" "a walk in the park with friends this sunday"
       "i will kill you if you come back" "meeting notes: budget review at ten")
for i in $(seq 1 "$n"); do
  curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"id\":\"x$i\",\"account\":\"a$((i % 97))\",\"text\":\"${texts[$((i % 4))]}\",\"region\":\"PK\",\"lang\":\"en\"}" \
    "http://127.0.0.1:$port/v1/scan" >/dev/null
done
cp "$out/db.sqlite" "$out/c.sqlite"; cp "$out/db.sqlite-wal" "$out/c.sqlite-wal"
python3 - "$out" <<'PY'
import collections, sqlite3, struct, sys
out = sys.argv[1]
wal = open(out + '/c.sqlite-wal', 'rb').read()
page_size = struct.unpack('>I', wal[8:12])[0]
commits, cur, off = [], [], 32
while off + 24 + page_size <= len(wal):
    page, commit = struct.unpack('>II', wal[off:off + 8])
    cur.append(page)
    if commit:
        commits.append(cur)
        cur = []
    off += 24 + page_size
names = {p: t for p, t in sqlite3.connect(out + '/c.sqlite').execute('SELECT pageno, name FROM dbstat')}
count = collections.Counter(names.get(p, '?%d' % p) for c in commits for p in c)
print(f"{len(commits)} commits in the WAL: {sum(map(len, commits)) / len(commits):.2f} pages a commit")
for table, k in count.most_common():
    print(f"  {k / len(commits):.2f} {table}")
PY
