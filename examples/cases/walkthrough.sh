#!/usr/bin/env bash
# Notice and action on the examples, step by step (README: "Legal orders").
# Run after scripts/quickstart.sh, which scans examples/ into out/examples.db.
set -euo pipefail
cd "$(dirname "$0")/../.."
ev=./build/bin/evenhand
db=out/examples.db
now=2026-11-21T12:00:00Z

# 0. Register the people who act: every --actor names a registered person
#    (compared after trimming, case folding and NFKC, so "Mod-Aisha " is
#    mod-aisha). The first is an admin who registers themself.
$ev people add --db $db --id admin --name "Platform admin" --role admin --actor admin
for who in intake mod-aisha mod-bilal mod-jonas analyst-1 legal-2; do
  $ev people add --db $db --id $who --role moderator --actor admin
done

# 1. Register the authorities that may issue orders, each for its jurisdiction.
$ev authority add --db $db --id pta --name "Pakistan Telecommunication Authority" --jurisdiction PK \
  --kind regulator --actor admin
$ev authority add --db $db --id tjsp --name "Tribunal de Justiça de São Paulo" --jurisdiction BR \
  --kind court --actor admin

# 2. Take in the orders: valid ones are accepted with the regime's deadline,
#    invalid ones are stored as rejected with the reason; the last line
#    repeats the first order's (authority, reference) and changes nothing.
$ev order submit --db $db --actor intake --now $now examples/cases/orders.jsonl

# 3. Open orders due in the next 6 hours or already overdue (the emergency
#    order had 12 h from 10:30 on the 20th).
$ev order list --db $db --now $now --due-within 6h

# 4. Review and act on the PTA order: withhold p0005 in Pakistan only.
id=$($ev order list --db $db --now $now --state accepted | grep 'PTA/CVS/2026/0417' | sed -E 's/.*"id":"([^"]+)".*/\1/')
$ev order act --db $db --now 2026-11-21T12:05:00Z --actor mod-aisha "$id" --event review
$ev order act --db $db --now 2026-11-21T12:20:00Z --actor mod-aisha "$id" --event act --outcome withheld

# 5. Withheld in Pakistan, still visible from Brazil.
$ev visible --db $db p0005 --from PK
$ev visible --db $db p0005 --from BR
#    Everything held about the item: its versions (content hash), decisions,
#    the order (with the version it was received against), visibility per country.
$ev item show --db $db p0005

# 6. The author files a counter-notice; a second moderator upholds the action.
#    (Staff at intake record the user's appeal; the text is the user's.)
$ev appeal file --db $db --now 2026-11-22T08:00:00Z --actor intake --order "$id" \
  --text "The post only greets friends; it is not unlawful under s.37"
$ev appeal decide --db $db --now 2026-11-22T09:00:00Z --actor mod-bilal --order "$id" --outcome upheld \
  --reason "Order re-checked against s.37; withholding in PK stands"
$ev order close --db $db --now 2026-11-22T09:01:00Z --actor mod-bilal "$id"
$ev order show --db $db "$id"

# 7. Notices from users and trusted flaggers (DSA Art. 16 and 22). Each is
#    answered at once: a receipt, or a rejection with the reason (no
#    explanation, unknown item, no good-faith statement, no location). The
#    registered trusted flagger's notice is listed first; the NetzDG complaint
#    about a threat runs 24 h from receipt; Brazil's and the DSA's run
#    "diligently", with no hour figure.
$ev notice submit --db $db --actor intake --now $now --trusted-flaggers examples/cases/trusted_flaggers.txt \
  examples/cases/notices.jsonl
$ev notice list --db $db --now $now --state confirmed
$ev notice list --db $db --now $now --due-within 24h

#    Review the NetzDG complaint, withhold p0017 in Germany, and send the
#    decision, its reason and the redress options back to the notifier.
nid=$($ev notice list --db $db --now $now --due-within 24h | head -1 | sed -E 's/.*"id":"([^"]+)".*/\1/')
$ev notice review --db $db --now 2026-11-21T12:10:00Z --actor mod-jonas "$nid"
$ev notice decide --db $db --now 2026-11-21T12:30:00Z --actor mod-jonas "$nid" --outcome action_taken \
  --action withheld --reason "A threat to kill (s.241 StGB), manifestly unlawful in Germany"
$ev notice show --db $db "$nid"

# 8. Data requests. A request needs a legal process (a warrant, court order,
#    subpoena or statutory notice), or the emergency flag, in which case the
#    process must follow within the window. The package holds only the fields
#    asked for that the process covers, and a second person must approve it.
$ev authority add --db $db --id fia-cyber --name "FIA Cyber Crime Wing" --jurisdiction PK \
  --kind law_enforcement --actor admin
$ev datareq submit --db $db --actor intake --now $now examples/cases/datareqs.jsonl
#    6 lines: 4 accepted (one an emergency without process, flagged for
#    follow-up), 2 rejected (no legal process; a field not in the catalogue).
rid=$($ev datareq list --db $db --now $now --state accepted | grep 'PTA/INFO/2026/77' | sed -E 's/.*"id":"([^"]+)".*/\1/')
$ev datareq prepare --db $db --now 2026-11-21T13:00:00Z --actor analyst-1 "$rid"   # a statutory notice covers subscriber data only
$ev datareq approve --db $db --now 2026-11-21T13:05:00Z --actor analyst-1 "$rid" || echo "(refused: four-eyes)"
#    The account is in the US, the authority in Pakistan: cross-border, so the
#    legal review is recorded before the approval.
$ev datareq legal-review --db $db --now 2026-11-21T13:08:00Z --actor legal-2 "$rid" \
  --note "Subscriber data under a PECA s.37 notice; no mutual legal assistance route is needed for it"
$ev datareq approve --db $db --now 2026-11-21T13:10:00Z --actor legal-2 "$rid"
$ev datareq disclose --db $db --now 2026-11-21T13:20:00Z --actor legal-2 -o out/package.json "$rid"
cat out/package.json; echo

# 8b. IP data. Sign-up and login records (address, source port, device) are
#     personal data: stored for data requests only. A warrant reaches the
#     login addresses (traffic data); a statutory notice only the address the
#     account was registered from (subscriber data): the logins are withheld.
$ev logins import --db $db --actor intake examples/cases/logins.jsonl
$ev datareq submit --db $db --actor intake --now $now examples/cases/ip_requests.jsonl
for ref in FIA/CCW/2026/320 PTA/INFO/2026/81; do
  ipid=$($ev datareq list --db $db --now $now --state accepted | grep "\"$ref\"" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  $ev datareq prepare --db $db --now 2026-11-21T13:30:00Z --actor analyst-1 "$ipid" > /dev/null
  $ev datareq approve --db $db --now 2026-11-21T13:35:00Z --actor legal-2 "$ipid" > /dev/null
  $ev datareq disclose --db $db --now 2026-11-21T13:40:00Z --actor legal-2 -o "out/package-ip-${ipid}.json" "$ipid"
done
#    Each disclosure of addresses is audited (ip_data in datareq.disclose) and
#    counted by authority: "ip" in the stats and in the transparency report.
$ev datareq stats --db $db --now 2026-11-21T14:00:00Z

# 8c. Preservation: the FIA asks that a001's data be kept pending a warrant.
#     The PK regime sets no period (the Act's figure is not verified), so the
#     deployment default applies; retention deletes nothing of a001 meanwhile.
$ev preserve submit --db $db --actor intake --now $now examples/cases/preservations.jsonl
pid=$($ev preserve list --db $db --now $now --state active | sed -E 's/.*"id":"([^"]+)".*/\1/')
$ev preserve extend --db $db --now 2027-02-10T00:00:00Z --actor mod-aisha --reason "warrant applied for" "$pid"
#    A dry run of retention keeping 30 days: a001's posts are held ("why":
#    "preservation pr-... until ..."), like those orders and notices name.
$ev retention run --db $db --keep 30d --actor admin --now 2027-03-01T00:00:00Z --dry-run | sed -E 's/,"deleted_versions".*//'
$ev preserve list --db $db --now 2027-06-01T00:00:00Z   # past its end: "state_now":"expired", "in_force":false
$ev preserve stats --db $db --now 2027-06-01T00:00:00Z

# 9. Statements of reasons for every action, in the DSA database's shape.
$ev sor export --db $db --format dsa-json --eea-only -o out/statements.jsonl

# 10. Every step is in the audit chain.
$ev audit verify --db $db
