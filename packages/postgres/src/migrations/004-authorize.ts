/**
 * The one-step authorize (core's `Authorizer`, docs/semantics.md "One-step authorize"): limiter
 * rules, balance check and hold (or debit) decided and committed together, in one call.
 *
 * Lock order: the limiter pairs' advisory locks first, then the account row. Plain limiter calls
 * take only the former and plain ledger calls only the latter, so no cycle can form.
 *
 * The idempotency key comes first: a key already used replays the original outcome (the rules
 * evaluated now as a dry run, nothing consumed) or conflicts, before any check, so a retry of an
 * authorize that spent the last credits or the last request of a window still gets its ticket.
 * It is looked up once without locks (a committed key replays at once) and again under the locks
 * (a concurrent retry of the same key may have committed while this call waited). Then, as core's
 * memory authorizer: evaluate the rules as a dry run, refuse for credits, then for limits, writing
 * nothing either way; else consume the rules and place the hold, or with `p_charge` write the
 * debit at once (a hold settled in full, like reserve + settle). The key is stored with the
 * reserve's fingerprint and result, as the memory authorizer's reserve does.
 */
export const authorize = (s: string): string[] => [
  // The replay of an authorize whose key was used: the original ticket, with today's limits.
  // A charge settled its hold at once for the full amount; a charge whose key holds anything
  // else (a hold-mode call with the same parameters) is a conflict, as in the memory authorizer.
  `CREATE OR REPLACE FUNCTION ${s}._authorize_replay(p_fp text, p_stored_fp text, p_stored jsonb, p_charge boolean,
      p_amount bigint, p_items jsonb, p_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_stored jsonb := ${s}._replay(p_fp, p_stored_fp, p_stored); v_check jsonb; v_settled jsonb;
    BEGIN
      v_check := ${s}._limiter_eval(p_items, p_ms, false);
      IF p_charge THEN
        SELECT result INTO v_settled FROM ${s}.holds WHERE id = ${s}._id(v_stored->'hold'->>'id', 'h');
        IF v_settled IS NULL OR (v_settled->>'charged')::bigint IS DISTINCT FROM p_amount
            OR (v_settled->>'holdExpired')::boolean THEN
          RAISE EXCEPTION 'idempotency key reused with different parameters' USING ERRCODE = 'MT409';
        END IF;
        RETURN jsonb_build_object('ok', true, 'holdId', NULL, 'entryId', v_settled->'entryId',
          'available', v_settled->'available', 'limits', v_check, 'replayed', true);
      END IF;
      RETURN jsonb_build_object('ok', true, 'holdId', v_stored->'hold'->'id', 'entryId', NULL,
        'available', v_stored->'available', 'limits', v_check, 'replayed', true);
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.authorize(p_account text, p_amount bigint, p_ttl_ms bigint, p_reason text,
      p_charge boolean, p_key text, p_fp text, p_metadata jsonb, p_items jsonb, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE
      v_now timestamptz; v_ms bigint; v_check jsonb; v_limits jsonb; v_avail bigint; v_idem record;
      v_take record; v_hold ${s}.holds; v_eid bigint; v_res jsonb;
    BEGIN
      IF p_key IS NOT NULL THEN
        SELECT fingerprint, result INTO v_idem FROM ${s}.idempotency WHERE account = p_account AND key = p_key;
        IF FOUND THEN
          RETURN ${s}._authorize_replay(p_fp, v_idem.fingerprint, v_idem.result, p_charge, p_amount, p_items,
            ${s}._ms(${s}._now(p_now_ms)));
        END IF;
      END IF;
      PERFORM ${s}._limiter_lock(p_items);
      v_now := ${s}._open(p_account, p_now_ms);
      v_ms := coalesce(p_now_ms, ${s}._ms(v_now));
      IF p_key IS NOT NULL THEN
        SELECT fingerprint, result INTO v_idem FROM ${s}.idempotency WHERE account = p_account AND key = p_key;
        IF FOUND THEN
          RETURN ${s}._authorize_replay(p_fp, v_idem.fingerprint, v_idem.result, p_charge, p_amount, p_items, v_ms);
        END IF;
      END IF;
      v_check := ${s}._limiter_eval(p_items, v_ms, false);
      SELECT available INTO v_avail FROM ${s}.accounts WHERE account = p_account;
      IF v_avail < p_amount THEN
        RETURN jsonb_build_object('ok', false, 'reason', 'insufficient_credits', 'available', v_avail,
          'required', p_amount, 'limits', v_check);
      END IF;
      IF NOT (v_check->>'allowed')::boolean THEN
        RETURN jsonb_build_object('ok', false, 'reason', 'rate_limited', 'available', v_avail, 'limits', v_check);
      END IF;

      v_limits := ${s}._limiter_eval(p_items, v_ms, true);
      UPDATE ${s}.accounts SET available = available - p_amount
      WHERE account = p_account RETURNING available INTO v_avail;
      SELECT * INTO v_take FROM ${s}._take(p_account, p_amount, v_now, false);
      IF v_take.taken <> p_amount THEN
        RAISE EXCEPTION 'cached available disagrees with the grants' USING ERRCODE = 'MT500';
      END IF;
      INSERT INTO ${s}.holds (account, amount, reason, alloc_grants, alloc_units, expires_at, created_at, metadata, status,
        idempotency_key)
      VALUES (p_account, p_amount, p_reason, v_take.grant_ids, v_take.units,
        v_now + p_ttl_ms * interval '1 millisecond', v_now, p_metadata,
        CASE WHEN p_charge THEN 'settled' ELSE 'open' END, p_key)
      RETURNING * INTO v_hold;
      IF p_charge THEN
        INSERT INTO ${s}.entries (account, type, amount, grant_id, hold_id, reason, metadata, created_at)
        VALUES (p_account, 'debit', -p_amount, NULL, v_hold.id, p_reason, NULL, v_now)
        RETURNING id INTO v_eid;
        UPDATE ${s}.holds SET settled_amount = p_amount, result = jsonb_build_object('ok', true, 'charged', p_amount,
          'released', 0, 'shortfall', 0, 'forfeited', 0, 'entryId', 'e_' || v_eid, 'available', v_avail,
          'holdExpired', false, 'replayed', false)
        WHERE id = v_hold.id;
      ELSE
        UPDATE ${s}.accounts SET next_check = least(next_check, v_hold.expires_at) WHERE account = p_account;
      END IF;
      IF p_key IS NOT NULL THEN
        PERFORM ${s}._remember(p_account, p_key, p_fp, jsonb_build_object('ok', true, 'hold', ${s}._hold_json(v_hold),
          'available', v_avail, 'replayed', false), v_now);
      END IF;
      RETURN jsonb_build_object('ok', true,
        'holdId', CASE WHEN p_charge THEN NULL ELSE 'h_' || v_hold.id END,
        'entryId', 'e_' || v_eid, 'available', v_avail, 'limits', v_limits, 'replayed', false);
    END $$`,
]
