/**
 * Version 2, part 1: the ledger's internal helpers (names start with `_`). Every money function
 * calls `_open` first: it locks the account row and only then takes the time and runs
 * housekeeping, so every later statement reads grants and holds from a snapshot taken after the
 * lock (READ COMMITTED takes a new snapshot per statement inside plpgsql). Reading grants in the
 * same statement that waited for the lock would see a stale snapshot: see docs/postgres.md.
 */
export const ledgerCore = (s: string): string[] => [
  // Epoch milliseconds <-> timestamptz, exactly. Whole seconds go through to_timestamp (an integer
  // number of seconds times 10^6 is exact in float8 for any date Postgres can hold) and the
  // milliseconds are added as an interval; a single float product of milliseconds would round
  // for dates past the 23rd century.
  `CREATE OR REPLACE FUNCTION ${s}._ts(p_ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_timestamp((p_ms / 1000)::float8) + (p_ms % 1000) * interval '1 millisecond' $$`,
  `CREATE OR REPLACE FUNCTION ${s}._ms(p_t timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT floor(extract(epoch FROM p_t) * 1000)::bigint $$`,

  // Sum of what can be spent now. Called after housekeeping, which zeroes expired remainders;
  // the expiry test is kept so the figure is right even between two housekeeping runs.
  `CREATE OR REPLACE FUNCTION ${s}._available(p_account text, p_now timestamptz) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
      SELECT coalesce(sum(remaining), 0)::bigint FROM ${s}.grants
      WHERE account = p_account AND status = 'live' AND remaining > 0
        AND (expires_at IS NULL OR expires_at > p_now)
    $$`,

  // Returns a hold's allocations to their grants, in reverse order of taking, after the first
  // p_keep units (in the order taken) have been kept for a charge. Units whose grant is no longer
  // live are forfeited (the caller writes the expire entry). Returns the units released.
  `CREATE OR REPLACE FUNCTION ${s}._give_back(p_grants bigint[], p_units bigint[], p_keep bigint, p_now timestamptz)
    RETURNS bigint LANGUAGE plpgsql
    AS $$
    DECLARE v_released bigint;
    BEGIN
      WITH a AS (
        SELECT g_id, u, u - greatest(0, least(u, p_keep - (sum(u) OVER (ORDER BY ord) - u))) AS back
        FROM unnest(p_grants, p_units) WITH ORDINALITY AS x(g_id, u, ord)
      ), upd AS (
        UPDATE ${s}.grants g SET remaining = g.remaining + a.back
        FROM a
        WHERE g.id = a.g_id AND a.back > 0 AND g.status = 'live'
          AND (g.expires_at IS NULL OR g.expires_at > p_now)
        RETURNING a.back
      )
      SELECT coalesce(sum(back), 0)::bigint INTO v_released FROM upd;
      RETURN v_released;
    END $$`,

  // Housekeeping, in the order docs/semantics.md gives: expire grants, then expire holds (whose
  // units go back to grants still live, or are forfeited), then recompute next_check.
  `CREATE OR REPLACE FUNCTION ${s}._housekeep(p_account text, p_now timestamptz) RETURNS void
    LANGUAGE plpgsql
    AS $$
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

      WITH exp AS (
        UPDATE ${s}.holds SET status = 'expired'
        WHERE account = p_account AND status = 'open' AND expires_at <= p_now
        RETURNING id, reason, alloc_grants, alloc_units
      ), alloc AS (
        SELECT exp.id AS hold_id, exp.reason, x.g_id, x.u,
          (g.status = 'live' AND (g.expires_at IS NULL OR g.expires_at > p_now)) AS live
        FROM exp
        CROSS JOIN LATERAL unnest(exp.alloc_grants, exp.alloc_units) AS x(g_id, u)
        JOIN ${s}.grants g ON g.id = x.g_id
      ), back AS (
        UPDATE ${s}.grants g SET remaining = g.remaining + b.u
        FROM (SELECT g_id, sum(u)::bigint AS u FROM alloc WHERE live GROUP BY g_id) b
        WHERE g.id = b.g_id
        RETURNING g.id
      )
      INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
      SELECT p_account, 'expire', -sum(u)::bigint, NULL, hold_id, reason, NULL, p_now
      FROM alloc WHERE NOT live GROUP BY hold_id, reason HAVING sum(u) > 0 ORDER BY hold_id;

      UPDATE ${s}.accounts SET next_check = coalesce(least(
        (SELECT min(expires_at) FROM ${s}.grants
          WHERE account = p_account AND status = 'live' AND expires_at > p_now),
        (SELECT min(expires_at) FROM ${s}.holds WHERE account = p_account AND status = 'open')
      ), 'infinity')
      WHERE account = p_account;
    END $$`,

  // Lock the account row first (creating it if new), then take the time, then housekeeping.
  // Returns the time every later statement of the operation uses. p_now_ms is the injected
  // clock's time, or NULL for the database clock read after the lock was granted.
  `CREATE OR REPLACE FUNCTION ${s}._open(p_account text, p_now_ms bigint) RETURNS timestamptz
    LANGUAGE plpgsql
    AS $$
    DECLARE v_next timestamptz; v_now timestamptz;
    BEGIN
      SELECT next_check INTO v_next FROM ${s}.accounts WHERE account = p_account FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO ${s}.accounts (account) VALUES (p_account) ON CONFLICT DO NOTHING;
        SELECT next_check INTO v_next FROM ${s}.accounts WHERE account = p_account FOR UPDATE;
      END IF;
      v_now := coalesce(${s}._ts(p_now_ms), clock_timestamp());
      IF v_next <= v_now THEN
        PERFORM ${s}._housekeep(p_account, v_now);
      END IF;
      RETURN v_now;
    END $$`,

  // Take p_amount units in spending order, in one statement whose snapshot follows the lock.
  // All or nothing unless p_partial (then as much as there is). Returns what was available before,
  // what was taken, and the allocations in the order taken.
  `CREATE OR REPLACE FUNCTION ${s}._take(p_account text, p_amount bigint, p_now timestamptz, p_partial boolean,
      OUT total bigint, OUT taken bigint, OUT grant_ids bigint[], OUT units bigint[])
    LANGUAGE plpgsql
    AS $$
    BEGIN
      WITH ordered AS (
        SELECT id, remaining,
          sum(remaining) OVER (ORDER BY priority DESC, expires_at ASC NULLS LAST, id) AS cum
        FROM ${s}.grants
        WHERE account = p_account AND status = 'live' AND remaining > 0
          AND (expires_at IS NULL OR expires_at > p_now)
      ), tot AS (
        SELECT coalesce(max(cum), 0)::bigint AS total FROM ordered
      ), take AS (
        SELECT o.id, least(o.remaining, p_amount - (o.cum - o.remaining))::bigint AS t, o.cum
        FROM ordered o, tot
        WHERE (p_partial OR tot.total >= p_amount) AND o.cum - o.remaining < p_amount
      ), upd AS (
        UPDATE ${s}.grants g SET remaining = g.remaining - take.t FROM take WHERE g.id = take.id
        RETURNING g.id, take.t, take.cum
      )
      SELECT tot.total, coalesce(sum(upd.t), 0)::bigint,
        coalesce(array_agg(upd.id ORDER BY upd.cum) FILTER (WHERE upd.id IS NOT NULL), '{}'),
        coalesce(array_agg(upd.t ORDER BY upd.cum) FILTER (WHERE upd.id IS NOT NULL), '{}')
      INTO total, taken, grant_ids, units
      FROM tot LEFT JOIN upd ON true GROUP BY tot.total;
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

  // Remember a successful result under its key. A conflicting row can only come from another
  // account's transaction (same-account callers are serialised by the account lock and replay
  // above), and a fingerprint always names its account, so that is a conflict: roll back.
  `CREATE OR REPLACE FUNCTION ${s}._remember(p_key text, p_fp text, p_result jsonb, p_now timestamptz) RETURNS void
    LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO ${s}.idempotency (key, fingerprint, result, created_at)
      VALUES (p_key, p_fp, p_result, p_now) ON CONFLICT DO NOTHING;
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
