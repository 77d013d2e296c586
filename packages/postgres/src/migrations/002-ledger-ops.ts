/**
 * The ledger, part 2 (installed by version 2; current definitions, see index.ts): one function per
 * money operation. Each is called in one statement (one round trip) and returns the operation's
 * result as jsonb. The shape is always: replay a committed idempotency key without locking; lock
 * the account (the `lockSpend` fast path, or `_open`); check the key again under the lock (a
 * concurrent retry of the same key may have committed while we waited); do the work; remember the
 * result under its key.
 *
 * `accounts.available` is kept in step by every function here; SQLSTATE MT500 means it disagreed
 * with the grants, which would be a bug: the whole call rolls back.
 */
// Keys are scoped per account (docs/semantics.md): every function that checks one has p_account.
const idemCheck = (s: string) =>
  `SELECT fingerprint, result INTO v_idem FROM ${s}.idempotency WHERE account = p_account AND key = p_key`

/**
 * Lock the account and take p_amount from its cached available. Fast path: one conditional
 * UPDATE (the row exists, nothing can have expired, there is enough), like pgbench's debit.
 * Otherwise the slow path. Sets v_now, v_ok (taken) and v_avail (available after).
 * `debit`: the units are also added to accounts.unallocated, for _allocate to take from the
 * grants later. `reserve`: the caller takes the units from the grants itself, after the units of
 * the debits before it; sets v_unallocated to those units as the locking UPDATE returned them
 * (0 after the slow path, whose _open has allocated them), so nobody reads them again.
 */
const lockSpend = (s: string, op: 'debit' | 'reserve') => {
  const debit = op === 'debit'
  return `
      v_now := ${s}._now(p_now_ms);
      UPDATE ${s}.accounts a SET available = a.available - p_amount${debit ? ', unallocated = a.unallocated + p_amount' : ''}
      WHERE a.account = p_account AND a.next_check > v_now AND a.available >= p_amount
      RETURNING a.available${debit ? ' INTO v_avail' : ', a.unallocated INTO v_avail, v_unallocated'};
      v_ok := FOUND;
      IF NOT v_ok THEN
        SELECT l.at, l.ok, l.available INTO v_now, v_ok, v_avail FROM ${s}._lock_spend_slow(p_account, p_amount, p_now_ms) l;${
          debit
            ? `
        IF v_ok THEN
          UPDATE ${s}.accounts SET unallocated = unallocated + p_amount WHERE account = p_account;
        END IF;`
            : `
        v_unallocated := 0;`
        }
      END IF;
      IF p_key IS NOT NULL THEN
        -- A retry of the same key may have committed while this call waited for the lock.
        ${idemCheck(s)};
        IF FOUND THEN
          IF v_ok THEN
            UPDATE ${s}.accounts SET available = available + p_amount${debit ? ', unallocated = unallocated - p_amount' : ''}
            WHERE account = p_account;
          END IF;
          RETURN ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result);
        END IF;
      END IF;
      IF NOT v_ok THEN
        RETURN jsonb_build_object('ok', false, 'reason', 'insufficient_credits', 'available', v_avail, 'required', p_amount);
      END IF;`
}

export const ledgerOps = (s: string): string[] => [
  `CREATE OR REPLACE FUNCTION ${s}.grant_credits(p_account text, p_amount bigint, p_source text,
      p_expires_ms bigint, p_priority integer, p_key text, p_fp text, p_metadata jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_now timestamptz; v_exp timestamptz; v_gid bigint; v_eid bigint; v_avail bigint; v_res jsonb; v_idem record;
    BEGIN
      ${idemCheck(s)};
      IF FOUND THEN RETURN ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      v_now := ${s}._open(p_account, p_now_ms);
      ${idemCheck(s)};
      IF FOUND THEN RETURN ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      -- The balance bound (MAX_BALANCE = 2^53 - 1, available + held), in numeric so that no sum can
      -- overflow on the way. SQLSTATE MT422 is mapped to ValidationError (path amount).
      IF (SELECT available FROM ${s}.accounts WHERE account = p_account)::numeric
          + (SELECT coalesce(sum(amount), 0) FROM ${s}.holds WHERE account = p_account AND status = 'open')
          + p_amount > 9007199254740991 THEN
        RAISE EXCEPTION 'the account would hold more than 2^53 - 1 units' USING ERRCODE = 'MT422';
      END IF;
      v_exp := ${s}._ts(p_expires_ms);
      INSERT INTO ${s}.grants (account, source, amount, remaining, priority, expires_at, idempotency_key, metadata, created_at)
      VALUES (p_account, p_source, p_amount, p_amount, p_priority, v_exp, p_key, p_metadata, v_now)
      RETURNING id INTO v_gid;
      INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
      VALUES (p_account, 'grant', p_amount, v_gid, NULL, p_source, p_metadata, v_now)
      RETURNING id INTO v_eid;
      UPDATE ${s}.accounts SET available = available + p_amount,
        next_check = least(next_check, coalesce(v_exp, 'infinity'))
      WHERE account = p_account RETURNING available INTO v_avail;
      IF v_exp <= v_now THEN
        -- Born expired: housekeeping expires it now, as the next touch would.
        PERFORM ${s}._housekeep(p_account, v_now);
        SELECT available INTO v_avail FROM ${s}.accounts WHERE account = p_account;
      END IF;
      v_res := jsonb_build_object('ok', true, 'grantId', 'g_' || v_gid, 'entryId', 'e_' || v_eid, 'amount', p_amount,
        'available', v_avail, 'replayed', false);
      PERFORM ${s}._remember(p_account, p_key, p_fp, v_res, v_now);
      RETURN v_res;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.debit(p_account text, p_amount bigint, p_reason text, p_key text, p_fp text,
      p_metadata jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_now timestamptz; v_ok boolean; v_avail bigint; v_eid bigint; v_res jsonb; v_idem record;
    BEGIN
      IF p_key IS NOT NULL THEN
        ${idemCheck(s)};
        IF FOUND THEN RETURN ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      END IF;
      -- Two rows, the account and the entry: the grants the units come from are worked out by the
      -- next operation that needs them (_allocate).
${lockSpend(s, 'debit')}
      INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
      VALUES (p_account, 'debit', -p_amount, NULL, NULL, p_reason, p_metadata, v_now)
      RETURNING id INTO v_eid;
      v_res := jsonb_build_object('ok', true, 'entryId', 'e_' || v_eid, 'amount', p_amount,
        'available', v_avail, 'replayed', false);
      IF p_key IS NOT NULL THEN PERFORM ${s}._remember(p_account, p_key, p_fp, v_res, v_now); END IF;
      RETURN v_res;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.reserve(p_account text, p_amount bigint, p_ttl_ms bigint, p_reason text,
      p_key text, p_fp text, p_metadata jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_now timestamptz; v_ok boolean; v_avail bigint; v_unallocated bigint; v_take record; v_hold ${s}.holds; v_res jsonb; v_idem record;
    BEGIN
      IF p_key IS NOT NULL THEN
        ${idemCheck(s)};
        IF FOUND THEN RETURN ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      END IF;
${lockSpend(s, 'reserve')}
      IF v_unallocated > 0 THEN
        PERFORM ${s}._allocate(p_account, v_unallocated);
      END IF;
      SELECT * INTO v_take FROM ${s}._take(p_account, p_amount, v_now, false);
      IF v_take.taken <> p_amount THEN
        RAISE EXCEPTION 'cached available disagrees with the grants' USING ERRCODE = 'MT500';
      END IF;
      INSERT INTO ${s}.holds (account, amount, reason, alloc_grants, alloc_units, expires_at, created_at, metadata,
        idempotency_key)
      VALUES (p_account, p_amount, p_reason, v_take.grant_ids, v_take.units,
        v_now + p_ttl_ms * interval '1 millisecond', v_now, p_metadata, p_key)
      RETURNING * INTO v_hold;
      UPDATE ${s}.accounts SET next_check = least(next_check, v_hold.expires_at) WHERE account = p_account;
      v_res := jsonb_build_object('ok', true, 'hold', ${s}._hold_json(v_hold),
        'available', v_avail, 'replayed', false);
      IF p_key IS NOT NULL THEN PERFORM ${s}._remember(p_account, p_key, p_fp, v_res, v_now); END IF;
      RETURN v_res;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.settle(p_hold text, p_amount bigint, p_metadata jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE
      v_id bigint := ${s}._id(p_hold, 'h'); v_account text; v_now timestamptz; v_hold ${s}.holds; v_take record;
      v_from_hold bigint := 0; v_released bigint := 0; v_forfeited bigint := 0; v_extra bigint := 0;
      v_shortfall bigint := 0; v_charged bigint; v_eid bigint; v_avail bigint; v_res jsonb; v_expired boolean;
    BEGIN
      SELECT account INTO v_account FROM ${s}.holds WHERE id = v_id;
      IF NOT FOUND THEN RETURN '{"ok": false, "reason": "hold_not_found"}'::jsonb; END IF;
      v_now := ${s}._open(v_account, p_now_ms);
      -- Read the hold again: this statement's snapshot follows the lock and housekeeping.
      SELECT * INTO v_hold FROM ${s}.holds WHERE id = v_id;
      IF v_hold.status = 'released' THEN RETURN '{"ok": false, "reason": "hold_closed"}'::jsonb; END IF;
      IF v_hold.status = 'settled' THEN
        IF v_hold.settled_amount IS DISTINCT FROM p_amount THEN
          RAISE EXCEPTION 'hold settled with another amount' USING ERRCODE = 'MT409';
        END IF;
        RETURN v_hold.result || '{"replayed": true}'::jsonb;
      END IF;
      v_expired := v_hold.status = 'expired';
      IF v_expired THEN
        -- Housekeeping already gave the hold back: charge from what is available.
        SELECT * INTO v_take FROM ${s}._take(v_account, p_amount, v_now, true);
        v_extra := v_take.taken;
        v_shortfall := p_amount - v_take.taken;
      ELSE
        v_from_hold := least(p_amount, v_hold.amount);
        SELECT b.released, b.forfeited INTO v_released, v_forfeited
        FROM ${s}._give_back(v_account, v_id, v_hold.reason, v_hold.alloc_grants, v_hold.alloc_units, v_from_hold, v_now) b;
        IF p_amount > v_hold.amount THEN
          SELECT * INTO v_take FROM ${s}._take(v_account, p_amount - v_hold.amount, v_now, true);
          v_extra := v_take.taken;
          v_shortfall := p_amount - v_hold.amount - v_take.taken;
        END IF;
      END IF;
      UPDATE ${s}.accounts SET available = available + v_released - v_extra
      WHERE account = v_account RETURNING available INTO v_avail;
      v_charged := v_from_hold + v_extra;
      IF v_charged > 0 THEN
        INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
        VALUES (v_account, 'debit', -v_charged, NULL, v_id, v_hold.reason, p_metadata, v_now)
        RETURNING id INTO v_eid;
      END IF;
      v_res := jsonb_build_object('ok', true, 'charged', v_charged, 'released', v_released,
        'shortfall', v_shortfall, 'forfeited', v_forfeited, 'entryId', 'e_' || v_eid,
        'available', v_avail, 'holdExpired', v_expired, 'replayed', false);
      UPDATE ${s}.holds SET status = 'settled', settled_amount = p_amount, result = v_res WHERE id = v_id;
      RETURN v_res;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.release(p_hold text, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE
      v_id bigint := ${s}._id(p_hold, 'h'); v_account text; v_now timestamptz; v_hold ${s}.holds;
      v_released bigint; v_forfeited bigint; v_avail bigint;
    BEGIN
      SELECT account INTO v_account FROM ${s}.holds WHERE id = v_id;
      IF NOT FOUND THEN RETURN '{"ok": false, "reason": "hold_not_found"}'::jsonb; END IF;
      v_now := ${s}._open(v_account, p_now_ms);
      SELECT * INTO v_hold FROM ${s}.holds WHERE id = v_id;
      IF v_hold.status = 'settled' THEN RETURN '{"ok": false, "reason": "hold_closed"}'::jsonb; END IF;
      IF v_hold.status <> 'open' THEN
        SELECT available INTO v_avail FROM ${s}.accounts WHERE account = v_account;
        RETURN jsonb_build_object('ok', true, 'released', 0, 'forfeited', 0, 'available', v_avail, 'replayed', true);
      END IF;
      SELECT b.released, b.forfeited INTO v_released, v_forfeited
      FROM ${s}._give_back(v_account, v_id, v_hold.reason, v_hold.alloc_grants, v_hold.alloc_units, 0, v_now) b;
      UPDATE ${s}.holds SET status = 'released' WHERE id = v_id;
      -- A released hold frees its key (docs/semantics.md): the next call with it is evaluated
      -- afresh. A reserve waiting for the account lock re-reads the key after it, so it sees this.
      IF v_hold.idempotency_key IS NOT NULL THEN
        DELETE FROM ${s}.idempotency
        WHERE account = v_hold.account AND key = v_hold.idempotency_key AND result->'hold'->>'id' = 'h_' || v_id;
      END IF;
      UPDATE ${s}.accounts SET available = available + v_released
      WHERE account = v_account RETURNING available INTO v_avail;
      RETURN jsonb_build_object('ok', true, 'released', v_released, 'forfeited', v_forfeited,
        'available', v_avail, 'replayed', false);
    END $$`,

  // Revoke (docs/semantics.md): takes what is left of the grant now; units of it held by open holds
  // are `pending`. A full revoke ends the grant, so they are forfeited when returned; a partial one
  // adds them to the grant's clawback, paid when their hold returns them (_give_back). Results
  // stored before `pending` existed replay with pending 0 (nothing was pending then). It acts within
  // p_account only: a grant of another account is not found, and both keys are p_account's.
  `CREATE OR REPLACE FUNCTION ${s}.revoke(p_account text, p_grant text, p_grant_key text, p_amount bigint, p_reason text,
      p_key text, p_fp text, p_metadata jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE
      v_gid bigint; v_account text; v_now timestamptz; v_grant ${s}.grants; v_held bigint;
      v_revoked bigint := 0; v_pending bigint := 0; v_eid bigint; v_avail bigint; v_res jsonb; v_idem record;
    BEGIN
      IF p_key IS NOT NULL THEN
        ${idemCheck(s)};
        IF FOUND THEN RETURN '{"pending": 0}'::jsonb || ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      END IF;
      IF p_grant IS NOT NULL THEN
        SELECT id, account INTO v_gid, v_account FROM ${s}.grants
        WHERE id = ${s}._id(p_grant, 'g') AND account = p_account;
      ELSE
        SELECT id, account INTO v_gid, v_account FROM ${s}.grants
        WHERE account = p_account AND idempotency_key = p_grant_key
        ORDER BY id LIMIT 1;
      END IF;
      IF v_gid IS NULL THEN RETURN '{"ok": false, "reason": "grant_not_found"}'::jsonb; END IF;
      v_now := ${s}._open(v_account, p_now_ms);
      IF p_key IS NOT NULL THEN
        ${idemCheck(s)};
        IF FOUND THEN RETURN '{"pending": 0}'::jsonb || ${s}._replay(p_fp, v_idem.fingerprint, v_idem.result); END IF;
      END IF;
      SELECT * INTO v_grant FROM ${s}.grants WHERE id = v_gid;
      IF v_grant.status = 'live' AND (v_grant.expires_at IS NULL OR v_grant.expires_at > v_now) THEN
        SELECT coalesce(sum(x.u), 0)::bigint INTO v_held
        FROM ${s}.holds h CROSS JOIN LATERAL unnest(h.alloc_grants, h.alloc_units) AS x(g_id, u)
        WHERE h.account = v_account AND h.status = 'open' AND x.g_id = v_gid;
        IF p_amount IS NULL THEN
          v_revoked := v_grant.remaining;
          v_pending := v_held;
        ELSE
          v_revoked := least(v_grant.remaining, p_amount);
          v_pending := least(p_amount - v_revoked, greatest(0, v_held - v_grant.clawback));
        END IF;
      END IF;
      IF v_revoked > 0 THEN
        INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
        VALUES (v_account, 'revoke', -v_revoked, v_gid, NULL, p_reason, p_metadata, v_now)
        RETURNING id INTO v_eid;
      END IF;
      UPDATE ${s}.grants SET remaining = remaining - v_revoked,
        clawback = CASE WHEN p_amount IS NULL THEN clawback ELSE clawback + v_pending END,
        status = CASE WHEN p_amount IS NULL THEN 'revoked' ELSE status END
      WHERE id = v_gid;
      UPDATE ${s}.accounts SET available = available - v_revoked
      WHERE account = v_account RETURNING available INTO v_avail;
      v_res := jsonb_build_object('ok', true, 'revoked', v_revoked, 'pending', v_pending, 'account', v_account,
        'grantId', 'g_' || v_gid, 'entryId', 'e_' || v_eid, 'available', v_avail, 'replayed', false);
      IF p_key IS NOT NULL THEN PERFORM ${s}._remember(p_account, p_key, p_fp, v_res, v_now); END IF;
      RETURN v_res;
    END $$`,
]
