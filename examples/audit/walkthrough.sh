#!/usr/bin/env bash
# The verifiable audit log end to end, as README "Proving to an authority what happened to its
# order" shows it: an authority submits an order through the API and keeps the signed checkpoint
# of the answer; a moderator acts on it; the authority fetches the inclusion proof of its order's
# entries and a consistency proof from its checkpoint, and checks both with tools/verify-proof
# (Python and openssl only). Then the operator rewrites the log, rebuilds the tree and signs it
# again with its own key: the authority's check fails.
# Usage (after the quickstart): bash examples/audit/walkthrough.sh   [EVENHAND=path OUT=dir PORT=n]
set -euo pipefail
cd "$(dirname "$0")/../.."
ev=${EVENHAND:-build/bin/evenhand}
out=${OUT:-out/audit-demo}
port=${PORT:-8091}
api=http://127.0.0.1:$port
rm -rf "$out" && mkdir -p "$out"
db=$out/store.db

# A store with the examples, an authority, a person at its desk and a moderator, one key each.
$ev scan examples/posts.jsonl --policy examples/policy.yaml --db $db -q -o /dev/null
$ev people add --db $db --id admin --role admin --role moderator --actor admin
$ev authority add --db $db --id pta --name "Pakistan Telecommunication Authority" --jurisdiction PK \
  --kind regulator --actor admin
$ev people add --db $db --id pta-desk --role authority --authority pta --actor admin
key() { python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'; }
AUTH=$($ev keys create --db $db --role authority --person pta-desk --actor admin 2>/dev/null | key)
MOD=$($ev keys create --db $db --role moderator --person admin --actor admin 2>/dev/null | key)

# The log's signing key; the server signs checkpoints with it and publishes the verifier key.
$ev audit keygen --name example.org/evenhand-audit --out $out/audit.key
$ev serve --db $db --policy examples/policy.yaml --listen 127.0.0.1:$port --audit-key $out/audit.key \
  --no-web 2>$out/serve.log &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf $api/healthz >/dev/null && break; sleep 0.1; done
curl -sf $api/v1/audit/key | python3 -c 'import json, sys; print(json.load(sys.stdin)["verifier_key"])' > $out/log.pub

# 1. The authority submits an order and keeps the checkpoint that comes with the answer.
curl -sf -H "Authorization: Bearer $AUTH" -H 'Content-Type: application/json' $api/v1/orders -d '
  {"reference": "PTA/2026/0777", "category": "unlawful_content_s37", "targets": [{"item": "p0005"}],
   "legal_basis": {"instrument": "PECA 2016", "provision": "s.37(1)"}}' > $out/order.json
field() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]), end='')" "$@"; }
ORDER=$(field $out/order.json 'd["id"]')
field $out/order.json 'd["audit"]["checkpoint"]' > $out/kept.txt
KEPT=$(field $out/order.json 'd["audit"]["tree_size"]')
SUBMITTED=$(field $out/order.json 'd["audit"]["entry"]')
echo "order $ORDER received as audit entry $SUBMITTED; checkpoint kept at tree size $KEPT"

# 2. A moderator acts on it: review, then withhold in Pakistan.
curl -sf -H "Authorization: Bearer $MOD" -H 'Content-Type: application/json' \
  $api/v1/orders/$ORDER/events -d '{"event": "review"}' >/dev/null
curl -sf -H "Authorization: Bearer $MOD" -H 'Content-Type: application/json' \
  $api/v1/orders/$ORDER/events -d '{"event": "act", "outcome": "withheld"}' > $out/acted.json
ACTED=$(field $out/acted.json 'd["audit"]["entry"]')
NOW=$(field $out/acted.json 'd["audit"]["tree_size"]')

# 3. The authority fetches the proofs and checks them without evenhand.
curl -sf -H "Authorization: Bearer $AUTH" "$api/v1/audit/proof?entry=$SUBMITTED&checkpoint=$KEPT" > $out/submitted.json
curl -sf -H "Authorization: Bearer $AUTH" "$api/v1/audit/proof?entry=$ACTED&checkpoint=$NOW" > $out/acted-proof.json
curl -sf -H "Authorization: Bearer $AUTH" "$api/v1/audit/consistency?from=$KEPT&to=$NOW" > $out/consistency.json
python3 tools/verify-proof --key $out/log.pub --checkpoint $out/kept.txt $out/submitted.json
python3 tools/verify-proof --key $out/log.pub $out/acted-proof.json
python3 tools/verify-proof --key $out/log.pub --checkpoint $out/kept.txt $out/consistency.json

# 4. The operator rewrites history: the order now "arrived" a day later (so no deadline was missed);
#    the tree is rebuilt over the edited entries (by evenhand itself, at the next write) and signed
#    anew with the log's own key.
kill $server; wait $server 2>/dev/null || true
sqlite3 $db "UPDATE audit SET ts = ts + 86400 WHERE seq = $SUBMITTED;
             DELETE FROM tlog_tiles; DELETE FROM tlog_tail;"
$ev people add --db $db --id someone --role auditor --actor admin
$ev audit checkpoint --db $db --key $out/audit.key > $out/rewritten.txt
$ev audit proof --db $db --entry $SUBMITTED --checkpoint $out/kept.txt -o $out/rewritten-proof.json
$ev audit proof --db $db --from $out/kept.txt --to $out/rewritten.txt -o $out/rewritten-consistency.json
# Both fail against the checkpoint the authority kept (exit 1), though every signature is valid.
! python3 tools/verify-proof --key $out/log.pub --checkpoint $out/kept.txt $out/rewritten-proof.json
! python3 tools/verify-proof --key $out/log.pub --checkpoint $out/kept.txt $out/rewritten-consistency.json
echo "walk-through done: the proofs held, and the rewritten log failed"
