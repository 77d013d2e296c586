/**
 * The ledger, part 3 (installed by version 2; current definitions, see index.ts): reads.
 * Housekeeping runs on reads too, but only when it may have work: `_peek` reads `next_check`
 * without a lock, and only when something may have expired does the read take the account lock
 * (`_open`). The figures are then computed in one statement, so they come from one snapshot and
 * agree with each other.
 */
export const ledgerReads = (s: string): string[] => [
  `CREATE OR REPLACE FUNCTION ${s}._peek(p_account text, p_now_ms bigint, OUT known boolean, OUT at timestamptz)
    LANGUAGE plpgsql
    AS $$
    DECLARE v_next timestamptz;
    BEGIN
      at := ${s}._now(p_now_ms);
      SELECT next_check INTO v_next FROM ${s}.accounts WHERE account = p_account;
      known := FOUND;
      IF known AND v_next <= at THEN
        at := ${s}._open(p_account, p_now_ms);
      END IF;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.balance(p_account text, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_peek record; v_res jsonb;
    BEGIN
      SELECT * INTO v_peek FROM ${s}._peek(p_account, p_now_ms);
      -- Each grant as it stands once the unallocated debits are taken from the grants in spending
      -- order (_allocate): the first ones give their units first.
      WITH g AS (
        SELECT g.*, sum(g.remaining) OVER (ORDER BY g.priority DESC, g.expires_at ASC NULLS LAST, g.id) AS upto
        FROM ${s}.grants g
        WHERE g.account = p_account AND g.status = 'live' AND g.remaining > 0
          AND (g.expires_at IS NULL OR g.expires_at > v_peek.at)
      ), left_ AS (
        SELECT g.*, least(g.remaining, greatest(0, g.upto - coalesce(
          (SELECT unallocated FROM ${s}.accounts WHERE account = p_account), 0)))::bigint AS left_units
        FROM g
      )
      SELECT jsonb_build_object(
        'account', p_account,
        'available', coalesce(sum(g.left_units), 0)::bigint,
        'held', (SELECT coalesce(sum(amount), 0)::bigint FROM ${s}.holds WHERE account = p_account AND status = 'open'),
        'grants', coalesce(jsonb_agg(jsonb_build_object('id', 'g_' || g.id, 'source', g.source,
          'remaining', g.left_units, 'amount', g.amount, 'priority', g.priority,
          'expiresAt', ${s}._ms(g.expires_at), 'createdAt', ${s}._ms(g.created_at))
          ORDER BY g.priority DESC, g.expires_at ASC NULLS LAST, g.id) FILTER (WHERE g.left_units > 0), '[]'::jsonb))
      INTO v_res
      FROM left_ g;
      RETURN v_res;
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.history(p_account text, p_before bigint, p_limit integer, p_types text[],
      p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_peek record; v_rows jsonb; v_count integer;
    BEGIN
      SELECT * INTO v_peek FROM ${s}._peek(p_account, p_now_ms);
      WITH page AS (
        SELECT * FROM ${s}.entries
        WHERE account = p_account AND (p_before IS NULL OR id < p_before)
          AND (p_types IS NULL OR type = ANY (p_types))
        ORDER BY id DESC LIMIT p_limit + 1
      )
      SELECT count(*), coalesce(jsonb_agg(jsonb_build_object('id', 'e_' || id, 'account', account, 'type', type,
        'amount', amount, 'grantId', 'g_' || grant_id, 'holdId', 'h_' || hold_id, 'reason', reason,
        'metadata', metadata, 'createdAt', ${s}._ms(created_at)) ORDER BY id DESC), '[]'::jsonb)
      INTO v_count, v_rows FROM page;
      RETURN jsonb_build_object('entries', v_rows, 'more', v_count > p_limit);
    END $$`,

  // Always under the account lock: verify is for audits and tests, not hot paths. Sums are numeric
  // (exact, never overflowing). `exact` carries them as text, so the adapter compares them exactly
  // whatever their size and a corrupted row cannot hide behind float rounding; the plain numbers
  // stay for adapters of 0.1 still running while a deploy rolls out.
  `CREATE OR REPLACE FUNCTION ${s}.verify(p_account text, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE v_now timestamptz; v_res jsonb;
    BEGIN
      PERFORM 1 FROM ${s}.accounts WHERE account = p_account;
      IF FOUND THEN
        v_now := ${s}._open(p_account, p_now_ms);
      ELSE
        v_now := ${s}._now(p_now_ms);
      END IF;
      SELECT jsonb_build_object('cached', x.cached, 'live', x.live, 'stale', x.stale, 'negative', x.negative,
        'held', x.held, 'entries', x.entries,
        'negativeClawback', (SELECT count(*) FROM ${s}.grants WHERE account = p_account AND clawback < 0),
        'remainingAndClawback', (SELECT count(*) FROM ${s}.grants
          WHERE account = p_account AND remaining > 0 AND clawback > 0),
        'exact', jsonb_build_object('cached', x.cached::text, 'live', x.live::text, 'stale', x.stale::text,
          'held', x.held::text, 'entries', x.entries::text))
      INTO v_res
      FROM (SELECT
        (SELECT coalesce(max(available), 0)::numeric FROM ${s}.accounts WHERE account = p_account) AS cached,
        (SELECT coalesce(sum(remaining), 0) FROM ${s}.grants
          WHERE account = p_account AND status = 'live' AND (expires_at IS NULL OR expires_at > v_now)) AS live,
        (SELECT coalesce(sum(remaining), 0) FROM ${s}.grants
          WHERE account = p_account AND NOT (status = 'live' AND (expires_at IS NULL OR expires_at > v_now))) AS stale,
        (SELECT count(*) FROM ${s}.grants WHERE account = p_account AND remaining < 0) AS negative,
        (SELECT coalesce(sum(amount), 0) FROM ${s}.holds WHERE account = p_account AND status = 'open') AS held,
        (SELECT coalesce(sum(amount), 0) FROM ${s}.entries WHERE account = p_account) AS entries) x;
      RETURN v_res;
    END $$`,
]
