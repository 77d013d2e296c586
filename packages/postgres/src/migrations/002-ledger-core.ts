/**
 * The ledger, part 1 (installed by version 2; current definitions, see index.ts): internal
 * helpers (names start with `_`).
 *
 * Locking: every money function locks its account's row before it reads grants or holds, and
 * reads them in later statements, so under READ COMMITTED (a new snapshot per statement inside
 * plpgsql) they see everything committed before the lock was granted. Reading grants in the same
 * statement that waited for the lock would see a stale snapshot: see docs/postgres.md.
 */
export const ledgerCore = (s: string): string[] => [
  // Epoch milliseconds <-> timestamptz, exactly. Whole seconds go through to_timestamp (an integer
  // number of seconds times 10^6 is exact in float8 for any date Postgres can hold) and the
  // milliseconds are added as an interval; a single float product of milliseconds would round
  // for dates past the 23rd century. STABLE like timestamptz arithmetic, so the planner inlines them.
  `CREATE OR REPLACE FUNCTION ${s}._ts(p_ms bigint) RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_timestamp((p_ms / 1000)::float8) + (p_ms % 1000) * interval '1 millisecond' $$`,
  `CREATE OR REPLACE FUNCTION ${s}._ms(p_t timestamptz) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT floor(extract(epoch FROM p_t) * 1000)::bigint $$`,

  // The operation's time: the injected clock's, or the database's.
  `CREATE OR REPLACE FUNCTION ${s}._now(p_now_ms bigint) RETURNS timestamptz
    LANGUAGE sql VOLATILE
    AS $$ SELECT CASE WHEN p_now_ms IS NULL THEN clock_timestamp() ELSE ${s}._ts(p_now_ms) END $$`,

  // Returns a hold's allocations to their grants, last taken first, after the first p_keep units
  // (in the order taken) have been kept for a charge: docs/semantics.md, "Returning held units".
  // A live grant first pays its clawback (what a partial revoke could not take because the units
  // were held) with one 'clawback' revoke entry, and gets the rest back; units whose grant is no
  // longer live are forfeited with one expire entry for the whole return. The caller holds the
  // account lock and adjusts the cached available by `released`; `forfeited` counts both kinds.
  `CREATE OR REPLACE FUNCTION ${s}._give_back(p_account text, p_hold bigint, p_reason text, p_grants bigint[],
      p_units bigint[], p_keep bigint, p_now timestamptz, OUT released bigint, OUT forfeited bigint)
    LANGUAGE plpgsql
    AS $$
    DECLARE v_back bigint; v_clawed bigint;
    BEGIN
      WITH a AS (
        SELECT g_id, ord, u - greatest(0, least(u, p_keep - (sum(u) OVER (ORDER BY ord) - u))) AS back
        FROM unnest(p_grants, p_units) WITH ORDINALITY AS x(g_id, u, ord)
      ), live AS (
        SELECT a.g_id, a.ord, a.back, least(a.back, g.clawback) AS c
        FROM a JOIN ${s}.grants g ON g.id = a.g_id
        WHERE a.back > 0 AND g.status = 'live' AND (g.expires_at IS NULL OR g.expires_at > p_now)
      ), upd AS (
        UPDATE ${s}.grants g SET remaining = g.remaining + live.back - live.c, clawback = g.clawback - live.c
        FROM live WHERE g.id = live.g_id
        RETURNING live.g_id, live.ord, live.back, live.c
      ), ins AS (
        INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
        SELECT p_account, 'revoke', -c, g_id, p_hold, 'clawback', NULL, p_now FROM upd WHERE c > 0 ORDER BY ord DESC
      )
      SELECT (SELECT coalesce(sum(back), 0) FROM a)::bigint, coalesce(sum(back - c), 0)::bigint,
        coalesce(sum(c), 0)::bigint
      INTO v_back, released, v_clawed FROM upd;
      forfeited := v_back - released;
      IF forfeited > v_clawed THEN
        INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
        VALUES (p_account, 'expire', v_clawed - forfeited, NULL, p_hold, p_reason, NULL, p_now);
      END IF;
    END $$`,

  // Housekeeping, in the order docs/semantics.md gives: expire grants, then expire holds (their
  // units returned by _give_back); then recompute the cached available and next_check from the
  // rows. Runs under the account lock, only when next_check has passed.
  `CREATE OR REPLACE FUNCTION ${s}._housekeep(p_account text, p_now timestamptz) RETURNS void
    LANGUAGE plpgsql
    AS $$
    DECLARE v_hold record;
    BEGIN
      WITH old AS (
        SELECT id, remaining, source FROM ${s}.grants
        WHERE account = p_account AND status = 'live' AND remaining > 0 AND expires_at <= p_now
      ), upd AS (
        UPDATE ${s}.grants g SET remaining = 0 FROM old WHERE g.id = old.id
        RETURNING old.id, old.remaining, old.source
      )
      INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
      SELECT p_account, 'expire', -remaining, id, NULL, source, NULL, p_now FROM upd ORDER BY id;

      -- Holds one by one, oldest first: each return pays clawback before the next one sees it.
      FOR v_hold IN
        WITH exp AS (
          UPDATE ${s}.holds SET status = 'expired'
          WHERE account = p_account AND status = 'open' AND expires_at <= p_now
          RETURNING id, reason, alloc_grants, alloc_units
        )
        SELECT * FROM exp ORDER BY id
      LOOP
        PERFORM ${s}._give_back(p_account, v_hold.id, v_hold.reason, v_hold.alloc_grants, v_hold.alloc_units, 0, p_now);
      END LOOP;

      UPDATE ${s}.accounts SET
        available = (SELECT coalesce(sum(remaining), 0) FROM ${s}.grants
          WHERE account = p_account AND status = 'live') - unallocated,
        next_check = coalesce(least(
          (SELECT min(expires_at) FROM ${s}.grants
            WHERE account = p_account AND status = 'live' AND expires_at > p_now),
          (SELECT min(expires_at) FROM ${s}.holds WHERE account = p_account AND status = 'open')
        ), 'infinity')
      WHERE account = p_account;
    END $$`,

  // The slow path to the account lock: create the row if new, lock it, give the debits since the
  // last lock their grants (_allocate), then take the time and run housekeeping if something may
  // have expired. Returns the time the operation uses. p_now_ms is
  // the injected clock's time, or NULL for the database clock read after the lock was granted.
  `CREATE OR REPLACE FUNCTION ${s}._open(p_account text, p_now_ms bigint) RETURNS timestamptz
    LANGUAGE plpgsql
    AS $$
    DECLARE v_next timestamptz; v_unallocated bigint; v_now timestamptz;
    BEGIN
      SELECT next_check, unallocated INTO v_next, v_unallocated FROM ${s}.accounts WHERE account = p_account FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO ${s}.accounts (account) VALUES (p_account) ON CONFLICT DO NOTHING;
        SELECT next_check, unallocated INTO v_next, v_unallocated FROM ${s}.accounts WHERE account = p_account FOR UPDATE;
      END IF;
      IF v_unallocated > 0 THEN
        PERFORM ${s}._allocate(p_account, v_unallocated);
      END IF;
      v_now := ${s}._now(p_now_ms);
      IF v_next <= v_now THEN
        PERFORM ${s}._housekeep(p_account, v_now);
      END IF;
      RETURN v_now;
    END $$`,

  // Take p_amount units from the grants in spending order (the caller holds the lock and has
  // checked the cached available, or passes p_partial to take what there is). The common case,
  // one grant covering the amount, is one UPDATE; otherwise one statement walks the running sum.
  // Returns what was taken and the allocations in the order taken.
  `CREATE OR REPLACE FUNCTION ${s}._take(p_account text, p_amount bigint, p_now timestamptz, p_partial boolean,
      OUT taken bigint, OUT grant_ids bigint[], OUT units bigint[])
    LANGUAGE plpgsql
    AS $$
    DECLARE v_id bigint;
    BEGIN
      IF p_amount <= 0 THEN
        taken := 0; grant_ids := '{}'; units := '{}';
        RETURN;
      END IF;
      UPDATE ${s}.grants SET remaining = remaining - p_amount
      WHERE id = (
        SELECT id FROM ${s}.grants
        WHERE account = p_account AND status = 'live' AND remaining > 0
          AND (expires_at IS NULL OR expires_at > p_now)
        ORDER BY priority DESC, expires_at ASC NULLS LAST, id LIMIT 1
      ) AND remaining >= p_amount
      RETURNING id INTO v_id;
      IF FOUND THEN
        taken := p_amount; grant_ids := ARRAY[v_id]; units := ARRAY[p_amount];
        RETURN;
      END IF;
      WITH ordered AS (
        SELECT id, remaining,
          sum(remaining) OVER (ORDER BY priority DESC, expires_at ASC NULLS LAST, id) AS cum
        FROM ${s}.grants
        WHERE account = p_account AND status = 'live' AND remaining > 0
          AND (expires_at IS NULL OR expires_at > p_now)
      ), take AS (
        SELECT o.id, least(o.remaining, p_amount - (o.cum - o.remaining))::bigint AS t, o.cum
        FROM ordered o
        WHERE o.cum - o.remaining < p_amount
          AND (p_partial OR (SELECT coalesce(max(cum), 0) FROM ordered) >= p_amount)
      ), upd AS (
        UPDATE ${s}.grants g SET remaining = g.remaining - take.t FROM take WHERE g.id = take.id
        RETURNING g.id, take.t, take.cum
      )
      SELECT coalesce(sum(upd.t), 0)::bigint,
        coalesce(array_agg(upd.id ORDER BY upd.cum), '{}'),
        coalesce(array_agg(upd.t ORDER BY upd.cum), '{}')
      INTO taken, grant_ids, units
      FROM upd;
    END $$`,

  // Debits take their units from the account row alone (accounts.unallocated, see debit): the
  // grants they come from are worked out here, in spending order, by the next operation that
  // locks the account for anything else, before it reads or changes a grant. No grant changes in
  // between (everything else that touches grants comes through here first), and every live grant
  // with units left was unexpired when each of those debits ran (a debit needs next_check ahead
  // of its time, or housekeeping first), so taking the sum now, ignoring expiry, takes from the
  // same grants as taking each debit when it ran. The caller holds the account lock and passes
  // p_units, the account's unallocated as the statement that locked it read it, and calls only
  // when it is above zero.
  `CREATE OR REPLACE FUNCTION ${s}._allocate(p_account text, p_units bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
    DECLARE v_taken bigint;
    BEGIN
      SELECT taken INTO v_taken FROM ${s}._take(p_account, p_units, '-infinity', false);
      IF v_taken <> p_units THEN
        RAISE EXCEPTION 'cached available disagrees with the grants' USING ERRCODE = 'MT500';
      END IF;
      UPDATE ${s}.accounts SET unallocated = unallocated - p_units WHERE account = p_account;
    END $$`,

  // The slow path to the account lock for operations that spend, after their one-statement fast
  // path (see `debit`) found no row to update: a new account, housekeeping due, or not enough.
  // Locks via _open, then takes p_amount from the cached available if it is there. Returns the
  // operation's time, whether p_amount was taken, and available after.
  `CREATE OR REPLACE FUNCTION ${s}._lock_spend_slow(p_account text, p_amount bigint, p_now_ms bigint,
      OUT at timestamptz, OUT ok boolean, OUT available bigint)
    LANGUAGE plpgsql
    AS $$
    BEGIN
      at := ${s}._open(p_account, p_now_ms);
      UPDATE ${s}.accounts a SET available = a.available - p_amount
      WHERE a.account = p_account AND a.available >= p_amount
      RETURNING a.available INTO available;
      ok := FOUND;
      IF NOT ok THEN
        SELECT a.available INTO available FROM ${s}.accounts a WHERE a.account = p_account;
      END IF;
    END $$`,

  // A stored idempotent result: replay it when the fingerprint matches, else refuse.
  // SQLSTATE MT409 is mapped to IdempotencyConflictError by the adapter; raising rolls back
  // everything the call did.
  `CREATE OR REPLACE FUNCTION ${s}._replay(p_fp text, p_stored_fp text, p_result jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
    BEGIN
      IF p_fp IS DISTINCT FROM p_stored_fp THEN
        RAISE EXCEPTION 'idempotency key reused with different parameters' USING ERRCODE = 'MT409';
      END IF;
      RETURN p_result || '{"replayed": true}'::jsonb;
    END $$`,

  // Remember a successful result under the account's key. The caller checked the key under the
  // account lock, so a conflicting row cannot appear; if one does, roll back rather than overwrite.
  `CREATE OR REPLACE FUNCTION ${s}._remember(p_account text, p_key text, p_fp text, p_result jsonb, p_now timestamptz)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO ${s}.idempotency (account, key, fingerprint, result, created_at)
      VALUES (p_account, p_key, p_fp, p_result, p_now) ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'idempotency key reused with different parameters' USING ERRCODE = 'MT409';
      END IF;
    END $$`,

  // Ids leave as text with a kind prefix (g_ grants, h_ holds, e_ entries), so an id of one kind
  // can never be mistaken for another. Anything that is not one of ours is simply not found.
  `CREATE OR REPLACE FUNCTION ${s}._id(p_text text, p_prefix text) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN p_text ~ ('^' || p_prefix || '_[1-9][0-9]{0,17}$')
      THEN substr(p_text, length(p_prefix) + 2)::bigint END $$`,

  `CREATE OR REPLACE FUNCTION ${s}._hold_json(h ${s}.holds) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$ SELECT jsonb_build_object('id', 'h_' || h.id, 'account', h.account, 'amount', h.amount,
      'reason', h.reason, 'expiresAt', ${s}._ms(h.expires_at), 'createdAt', ${s}._ms(h.created_at)) $$`,
]
