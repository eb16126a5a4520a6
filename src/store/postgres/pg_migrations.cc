#include "store/postgres/pg_migrations.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <string>

namespace evenhand::pg_store {

namespace {

#define EVENHAND_CREATED_BY "evenhand " EVENHAND_VERSION

// Key of the advisory lock held while migrating ("EVNM").
constexpr const char* kMigrationLock = "1163284045";

// The audit tree's secret (store/audit_leaf.h: the key of the leaves'
// salts): 32 random bytes, made once, never served.
Status MakeTreeSecret(PgConn& conn) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1)
    return Status::Internal(conn.where() + ": no random bytes for the audit tree's secret (OpenSSL RAND_bytes)");
  auto r = conn.Query("INSERT INTO tlog_secret (id, secret) VALUES (1, $1)",
                      PgParams().Bytes(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret)),
                      "storing the audit tree's secret");
  OPENSSL_cleanse(secret, sizeof secret);
  return r.status();
}

constexpr Migration kMigrations[] = {
    {1,
     "items and their versions, accounts, decisions (one per item version and policy), the audit chain and its "
     "Merkle tree (leaf data v2), login records",
     R"sql(
CREATE TABLE evenhand_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO evenhand_meta (key, value) VALUES ('created_by', ')sql" EVENHAND_CREATED_BY R"sql(');
INSERT INTO evenhand_meta (key, value) VALUES ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));

CREATE TABLE accounts (
  id      TEXT PRIMARY KEY,
  created BIGINT NOT NULL,  -- unix seconds
  country TEXT NOT NULL
);

-- The current version of each item; the versions it replaced are in post_versions.
CREATE TABLE posts (
  id              TEXT PRIMARY KEY,
  account         TEXT NOT NULL,
  ts              BIGINT NOT NULL,  -- unix seconds, 0 when unknown
  lang            TEXT NOT NULL,
  text            TEXT NOT NULL,
  topic           TEXT NOT NULL,
  region          TEXT NOT NULL,
  media           TEXT NOT NULL,    -- JSON array of {"path": ...}
  version         BIGINT NOT NULL,  -- 1, 2, ...
  content_hash    TEXT NOT NULL,    -- store/content_hash.h
  stored_at       BIGINT NOT NULL,
  content_deleted BIGINT NOT NULL DEFAULT 0  -- unix seconds retention deleted text and media; 0 = kept
);
CREATE INDEX posts_by_account ON posts (account, ts, id);

CREATE TABLE post_versions (
  item            TEXT NOT NULL,
  version         BIGINT NOT NULL,
  account         TEXT NOT NULL,
  ts              BIGINT NOT NULL,
  lang            TEXT NOT NULL,
  text            TEXT NOT NULL,
  topic           TEXT NOT NULL,
  region          TEXT NOT NULL,
  media           TEXT NOT NULL,
  content_hash    TEXT NOT NULL,
  stored_at       BIGINT NOT NULL,
  superseded_at   BIGINT NOT NULL,
  content_deleted BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (item, version)
);

CREATE TABLE decisions (
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item      TEXT NOT NULL,
  version   BIGINT NOT NULL,   -- the item version decided on; 0 = no post stored
  policy    TEXT NOT NULL,     -- "name@version"
  account   TEXT NOT NULL,
  action    TEXT NOT NULL,
  scope     TEXT NOT NULL,     -- JSON array of jurisdictions; [] = global
  category  TEXT NOT NULL,
  rule      TEXT NOT NULL,
  reason    TEXT NOT NULL,
  review    BOOLEAN NOT NULL,
  lang      TEXT NOT NULL,
  region    TEXT NOT NULL,
  ts        BIGINT NOT NULL,
  signals   TEXT NOT NULL,     -- JSON array of {"detector","name","score","evidence"}
  stored_at BIGINT NOT NULL,
  UNIQUE (item, version, policy)
);
CREATE INDEX decisions_by_policy ON decisions (policy, action, category);

-- Append-only by API: the Store only ever INSERTs here, holding the
-- advisory lock of the chain. Edits made behind its back are found by
-- the hash chain and the tree, not prevented.
CREATE TABLE audit (
  seq       BIGINT PRIMARY KEY,
  ts        BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE INDEX audit_by_subject ON audit (subject, seq);

-- The audit log's Merkle tree (tlog/): C2SP tiles, the widest version of
-- each; leaf data v2 (store/audit_leaf.h), salted with tlog_secret's key.
CREATE TABLE tlog_tiles (
  level  INTEGER NOT NULL,
  idx    BIGINT NOT NULL,
  hashes BYTEA NOT NULL,  -- 32-byte hashes concatenated
  PRIMARY KEY (level, idx)
);
CREATE TABLE tlog_tree (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL    -- audit entries 1..size are the tree's leaves 0..size-1
);
INSERT INTO tlog_tree (id, size) VALUES (1, 0);
CREATE TABLE tlog_secret (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  secret BYTEA NOT NULL  -- 32 random bytes (MakeTreeSecret); never served
);
CREATE TABLE tlog_checkpoints (
  id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  size BIGINT NOT NULL,
  ts   BIGINT NOT NULL,
  note TEXT NOT NULL
);

CREATE TABLE logins (
  account   TEXT NOT NULL,
  ts        BIGINT NOT NULL,
  event     TEXT NOT NULL,     -- 'signup' | 'login'
  ip        TEXT NOT NULL,
  port      INTEGER NOT NULL,  -- 0 = not given
  device    TEXT NOT NULL,
  stored_at BIGINT NOT NULL,
  PRIMARY KEY (account, ts, event, ip, port, device)
);
)sql",
     MakeTreeSecret},
    {2,
     "authorities, cases (orders, notices, data requests, appeals, preservations), people, API keys (hashes "
     "only), decision reviews; indexes for retention and the analytics",
     R"sql(
CREATE TABLE authorities (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,   -- ISO 3166-1 alpha-2 or EU
  kind         TEXT NOT NULL,
  added        BIGINT NOT NULL
);

CREATE TABLE cases (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  issuer       TEXT NOT NULL,
  reference    TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  state        TEXT NOT NULL,
  received     BIGINT NOT NULL,
  deadline     BIGINT NOT NULL,  -- 0 = none
  body         TEXT NOT NULL,    -- JSON, shape owned by cases/
  UNIQUE (kind, issuer, reference)
);
CREATE INDEX cases_by_state ON cases (kind, state, deadline);
CREATE INDEX cases_by_received ON cases (received, id COLLATE "C");

CREATE TABLE people (
  id        TEXT PRIMARY KEY,  -- normalised (model/person.h NormalizePersonId)
  name      TEXT NOT NULL,
  roles     TEXT NOT NULL,     -- comma-separated: admin, moderator, auditor, authority
  authority TEXT NOT NULL,     -- '' unless the person has role authority
  added     BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id        TEXT PRIMARY KEY,
  hash      TEXT NOT NULL,     -- sha256 hex of the whole key
  role      TEXT NOT NULL,
  authority TEXT NOT NULL,     -- '' unless role = 'authority'
  name      TEXT NOT NULL,
  created   BIGINT NOT NULL,
  revoked   BIGINT NOT NULL,   -- 0 = live
  person    TEXT NOT NULL      -- people.id
);

CREATE TABLE decision_reviews (
  n       BIGINT GENERATED ALWAYS AS IDENTITY,  -- the order stored
  item    TEXT NOT NULL,
  policy  TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason  TEXT NOT NULL,
  actor   TEXT NOT NULL,
  at      BIGINT NOT NULL,
  PRIMARY KEY (item, policy)
);

-- Retention finds content by age (the post's ts, else when stored).
CREATE INDEX posts_by_age ON posts ((CASE WHEN ts <> 0 THEN ts ELSE stored_at END)) WHERE content_deleted = 0;
CREATE INDEX post_versions_by_age ON post_versions ((CASE WHEN ts <> 0 THEN ts ELSE stored_at END))
  WHERE content_deleted = 0;
CREATE INDEX logins_by_ts ON logins (ts);
)sql",
     nullptr},
    {3,
     "decisions partitioned by month of stored_at (decisions_YYYY_MM, made on demand by "
     "evenhand_decision_partition; old months can be detached), one decision per (item, version, policy) kept "
     "by decision_keys",
     R"sql(
-- Which (item, version, policy) has its decision: the uniqueness the
-- partitioned table cannot keep across months. A detached month's keys stay,
-- so its items are not decided again under the same policy version.
CREATE TABLE decision_keys (
  item    TEXT NOT NULL,
  version BIGINT NOT NULL,
  policy  TEXT NOT NULL,
  PRIMARY KEY (item, version, policy)
);
INSERT INTO decision_keys (item, version, policy) SELECT item, version, policy FROM decisions;

ALTER TABLE decisions RENAME TO decisions_v2;
ALTER INDEX decisions_by_policy RENAME TO decisions_v2_by_policy;
CREATE TABLE decisions (
  id        BIGINT GENERATED ALWAYS AS IDENTITY,
  item      TEXT NOT NULL,
  version   BIGINT NOT NULL,
  policy    TEXT NOT NULL,
  account   TEXT NOT NULL,
  action    TEXT NOT NULL,
  scope     TEXT NOT NULL,
  category  TEXT NOT NULL,
  rule      TEXT NOT NULL,
  reason    TEXT NOT NULL,
  review    BOOLEAN NOT NULL,
  lang      TEXT NOT NULL,
  region    TEXT NOT NULL,
  ts        BIGINT NOT NULL,
  signals   TEXT NOT NULL,
  stored_at BIGINT NOT NULL,  -- unix seconds; the partition key
  PRIMARY KEY (id, stored_at)
) PARTITION BY RANGE (stored_at);
CREATE INDEX decisions_by_policy ON decisions (policy, action, category);
CREATE INDEX decisions_by_item ON decisions (item, version, policy);

-- The partition of the month (UTC) holding unix second t, made unless it
-- exists (attached or detached); returns its name. Writers racing to a new
-- month queue on an advisory lock ("EVNP"); the one that finds the table made
-- meanwhile (an advisory lock does not refresh this session's view of the
-- catalog, so the second look may still miss it) gets duplicate_table from
-- CREATE, which means the same thing: the month is there.
CREATE FUNCTION evenhand_decision_partition(t BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $fn$
DECLARE
  m    TIMESTAMP := date_trunc('month', to_timestamp(t) AT TIME ZONE 'UTC');
  name TEXT := 'decisions_' || to_char(m, 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    PERFORM pg_advisory_xact_lock(1163284048);
    BEGIN
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF decisions FOR VALUES FROM (%s) TO (%s)', name,
                     extract(epoch FROM m AT TIME ZONE 'UTC')::BIGINT,
                     extract(epoch FROM (m + INTERVAL '1 month') AT TIME ZONE 'UTC')::BIGINT);
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;  -- made by another writer just now
    END;
  END IF;
  RETURN name;
END
$fn$;

SELECT evenhand_decision_partition(t) FROM (SELECT DISTINCT
  extract(epoch FROM date_trunc('month', to_timestamp(stored_at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::BIGINT AS t
  FROM decisions_v2) months;
INSERT INTO decisions OVERRIDING SYSTEM VALUE SELECT id, item, version, policy, account, action, scope, category,
  rule, reason, review, lang, region, ts, signals, stored_at FROM decisions_v2;
SELECT setval(pg_get_serial_sequence('decisions', 'id'), coalesce((SELECT max(id) FROM decisions_v2), 0) + 1, false);
DROP TABLE decisions_v2;
)sql",
     nullptr},
    {4,
     "the audit chain partitioned by month of ts (audit_YYYY_MM, made on demand by evenhand_audit_partition), "
     "like decisions; one function makes either table's month",
     R"sql(
-- The month (UTC) holding unix second t of a table partitioned by it
-- (PARENT_YYYY_MM), made unless it exists (attached or detached); returns
-- its name. v3's evenhand_decision_partition, for any parent: writers
-- racing to a new month queue on the same advisory lock ("EVNP").
CREATE FUNCTION evenhand_month_partition(parent TEXT, t BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $fn$
DECLARE
  m    TIMESTAMP := date_trunc('month', to_timestamp(t) AT TIME ZONE 'UTC');
  name TEXT := parent || '_' || to_char(m, 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    PERFORM pg_advisory_xact_lock(1163284048);
    BEGIN
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)', name, parent,
                     extract(epoch FROM m AT TIME ZONE 'UTC')::BIGINT,
                     extract(epoch FROM (m + INTERVAL '1 month') AT TIME ZONE 'UTC')::BIGINT);
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;  -- made by another writer just now
    END;
  END IF;
  RETURN name;
END
$fn$;
CREATE OR REPLACE FUNCTION evenhand_decision_partition(t BIGINT) RETURNS TEXT LANGUAGE sql AS
  $fn$ SELECT evenhand_month_partition('decisions', t) $fn$;
CREATE FUNCTION evenhand_audit_partition(t BIGINT) RETURNS TEXT LANGUAGE sql AS
  $fn$ SELECT evenhand_month_partition('audit', t) $fn$;

-- The chain's order is seq; the partition key is ts (when the entry was
-- appended, by its writer's clock). seq is unique because one writer at a
-- time appends, holding the chain's advisory lock; (seq, ts) is the key a
-- partitioned table can keep, and the walks read by it, so `audit verify`
-- sees a seq stored twice (a writer that skipped the lock) as a break.
ALTER TABLE audit RENAME TO audit_v3;
ALTER TABLE audit_v3 RENAME CONSTRAINT audit_pkey TO audit_v3_pkey;
ALTER INDEX audit_by_subject RENAME TO audit_v3_by_subject;
CREATE TABLE audit (
  seq       BIGINT NOT NULL,
  ts        BIGINT NOT NULL,  -- unix seconds; the partition key
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  subject   TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL,
  PRIMARY KEY (seq, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX audit_by_subject ON audit (subject, seq, ts);
SELECT evenhand_audit_partition(t) FROM (SELECT DISTINCT
  extract(epoch FROM date_trunc('month', to_timestamp(ts) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::BIGINT AS t
  FROM audit_v3) months;
INSERT INTO audit SELECT seq, ts, actor, action, subject, payload, prev_hash, hash FROM audit_v3;
DROP TABLE audit_v3;
)sql",
     nullptr},
};

Result<int> ReadVersion(PgConn& conn) {
  auto r = conn.Query("SELECT coalesce(max(version), 0) FROM evenhand_schema", PgParams(), "reading the schema version");
  if (!r.ok()) return r.status();
  return static_cast<int>(r->Int(0, 0));
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }
int CurrentSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Status Migrate(PgConn& conn, std::span<const Migration> steps, OpenMode mode, int* version) {
  int latest = 0;
  for (const Migration& m : steps) {
    if (m.version != latest + 1)
      return Status::Internal("PostgreSQL schema migrations out of order: version " + std::to_string(m.version) +
                              " follows " + std::to_string(latest));
    latest = m.version;
  }
  const std::string& where = conn.where();
  auto fail = [&](Status s) {
    (void)conn.Exec("ROLLBACK", "rolling back the schema migration");
    return s;
  };
  if (Status s = conn.Exec("BEGIN", "starting the schema migration"); !s.ok()) return s;
  if (Status s = conn.Exec(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLock + ")",
                           "waiting for another process's schema migration");
      !s.ok())
    return fail(s);
  auto probe = conn.Query(
      "SELECT to_regclass('evenhand_schema') IS NOT NULL, "
      "(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()), "
      "(SELECT string_agg(tablename, ', ' ORDER BY tablename) FROM (SELECT tablename FROM pg_tables "
      "WHERE schemaname = current_schema() ORDER BY tablename LIMIT 3) t)",
      PgParams(), "looking for an evenhand schema");
  if (!probe.ok()) return fail(probe.status());
  int now = 0;
  if (probe->Bool(0, 0)) {
    auto v = ReadVersion(conn);
    if (!v.ok()) return fail(v.status());
    now = *v;
  } else if (probe->Int(0, 1) > 0) {
    return fail(Status::Invalid(where + ": not an evenhand database (it has tables " + probe->Text(0, 2) +
                                (probe->Int(0, 1) > 3 ? ", ..." : "") +
                                " but no evenhand_schema); refusing to change it"));
  } else if (mode == OpenMode::kMustExist) {
    return fail(Status::NotFound(where + ": holds no evenhand store yet (a command that writes, such as "
                                         "`evenhand scan --db`, creates one)"));
  }
  if (now > latest)
    return fail(Status::Invalid(where + ": database schema version " + std::to_string(now) +
                                " was created by a newer evenhand; this build knows PostgreSQL versions up to " +
                                std::to_string(latest) + ". Use a newer evenhand or another database."));
  if (now == 0) {
    if (Status s = conn.Exec(
            "CREATE TABLE evenhand_schema (version INTEGER PRIMARY KEY, what TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            "creating evenhand_schema");
        !s.ok())
      return fail(s);
  }
  for (const Migration& m : steps) {
    if (m.version <= now) continue;
    const std::string doing = "migrating the schema to version " + std::to_string(m.version) + " (" + m.what + ")";
    if (Status s = conn.Exec(m.sql, doing); !s.ok()) return fail(s);
    if (m.after != nullptr)
      if (Status s = m.after(conn); !s.ok()) return fail(s);
    auto r = conn.Query("INSERT INTO evenhand_schema (version, what) VALUES ($1, $2)",
                        PgParams().Int(m.version).Text(m.what), doing);
    if (!r.ok()) return fail(r.status());
  }
  if (Status s = conn.Exec("COMMIT", "committing the schema migration"); !s.ok()) return fail(s);
  *version = latest;
  return Status::Ok();
}

}  // namespace evenhand::pg_store
