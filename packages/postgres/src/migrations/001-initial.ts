/**
 * Version 1: the tables and indexes. `s` is the already-quoted schema identifier.
 * One statement per array element: PGlite's extended-protocol queries take a single statement.
 *
 * Ids are `bigint` identities exposed to JS as decimal strings. Amounts are `bigint`.
 * Times are `timestamptz`, except limiter state, which keeps epoch milliseconds as `bigint`
 * because its arithmetic (algorithms.ts) is defined on integer milliseconds.
 */
export const initial = (s: string): string[] => [
  // One row per account: the row every money operation locks first, which serialises all writers
  // of one account under READ COMMITTED. `available` caches the sum of the remainders of the
  // account's grants with status 'live' (kept by every operation, recomputed by housekeeping, and
  // checked by verify), so a debit can lock, check and take in one conditional UPDATE like
  // pgbench's. `next_check` is a lower bound of the earliest expiry among the account's live
  // grants and open holds: until then housekeeping has nothing to do and is skipped.
  `CREATE TABLE IF NOT EXISTS ${s}.accounts (
    account text PRIMARY KEY,
    available bigint NOT NULL DEFAULT 0 CHECK (available >= 0),
    next_check timestamptz NOT NULL DEFAULT 'infinity',
    created_at timestamptz NOT NULL DEFAULT now()
  ) WITH (fillfactor = 80)`,
  `CREATE TABLE IF NOT EXISTS ${s}.grants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    source text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    remaining bigint NOT NULL CHECK (remaining >= 0),
    priority integer NOT NULL DEFAULT 0,
    expires_at timestamptz,
    status text NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'revoked')),
    idempotency_key text NOT NULL,
    metadata jsonb,
    created_at timestamptz NOT NULL
  ) WITH (fillfactor = 80)`,
  // Spending order. No index mentions remaining (not even in a predicate), so taking units is a
  // HOT update of the grant row, and free space left by the fillfactor keeps it on its page.
  `CREATE INDEX IF NOT EXISTS grants_spend_idx ON ${s}.grants
    (account, priority DESC, expires_at ASC NULLS LAST, id) WHERE status = 'live'`,
  // Housekeeping: live grants by expiry.
  `CREATE INDEX IF NOT EXISTS grants_expiry_idx ON ${s}.grants (account, expires_at)
    WHERE status = 'live' AND expires_at IS NOT NULL`,
  // revoke({ grantIdempotencyKey }). Not unique here: uniqueness of keys is the idempotency table's job.
  `CREATE INDEX IF NOT EXISTS grants_key_idx ON ${s}.grants (idempotency_key)`,
  `CREATE TABLE IF NOT EXISTS ${s}.holds (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    reason text NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled', 'released', 'expired')),
    alloc_grants bigint[] NOT NULL,
    alloc_units bigint[] NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    metadata jsonb,
    settled_amount bigint,
    result jsonb
  )`,
  `CREATE INDEX IF NOT EXISTS holds_open_idx ON ${s}.holds (account, expires_at) WHERE status = 'open'`,
  // Append-only. The id is the entry's seq: history pages by it, newest first.
  `CREATE TABLE IF NOT EXISTS ${s}.entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    type text NOT NULL CHECK (type IN ('grant', 'debit', 'expire', 'revoke')),
    amount bigint NOT NULL,
    grant_id bigint,
    hold_id bigint,
    reason text NOT NULL,
    metadata jsonb,
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS entries_account_idx ON ${s}.entries (account, id DESC)`,
  // One namespace of keys for the whole ledger: key -> what it was used for, and what it returned.
  `CREATE TABLE IF NOT EXISTS ${s}.idempotency (
    key text PRIMARY KEY,
    fingerprint text NOT NULL,
    result jsonb NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ${s}.limiter_state (
    key text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    win bigint NOT NULL DEFAULT 0,
    count bigint NOT NULL DEFAULT 0,
    prev bigint NOT NULL DEFAULT 0,
    tokens double precision NOT NULL DEFAULT 0,
    updated_ms bigint NOT NULL DEFAULT 0,
    expires_ms bigint NOT NULL,
    PRIMARY KEY (key, name)
  )`,
  `CREATE INDEX IF NOT EXISTS limiter_state_expiry_idx ON ${s}.limiter_state (expires_ms)`,
  `CREATE TABLE IF NOT EXISTS ${s}.usage_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL,
    user_id text,
    feature text NOT NULL,
    amount bigint NOT NULL,
    shortfall bigint NOT NULL DEFAULT 0,
    model text,
    input_tokens bigint NOT NULL DEFAULT 0,
    cached_input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    quantity bigint NOT NULL DEFAULT 0,
    status text NOT NULL,
    latency_ms bigint,
    metadata jsonb,
    at timestamptz NOT NULL
  )`,
  // Per-account time ranges (dashboards, stats, export) and global ranges (admin, retention).
  `CREATE INDEX IF NOT EXISTS usage_events_account_at_idx ON ${s}.usage_events (account, at, id)`,
  `CREATE INDEX IF NOT EXISTS usage_events_at_idx ON ${s}.usage_events (at, id)`,
  `CREATE TABLE IF NOT EXISTS ${s}.users (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    email text,
    name text,
    image text,
    role text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
    plan text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    last_login_at timestamptz,
    login_count integer NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS users_created_idx ON ${s}.users (created_at DESC, seq DESC)`,
  `CREATE TABLE IF NOT EXISTS ${s}.logins (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id text NOT NULL,
    provider text NOT NULL,
    ip text,
    user_agent text,
    at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS logins_user_idx ON ${s}.logins (user_id, at DESC, id DESC)`,
]
