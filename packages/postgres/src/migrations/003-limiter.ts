/**
 * Version 3: the limiter store's consume, one call per request whatever the number of rules.
 * The arithmetic is algorithms.ts line by line: window counts in integers (numeric for the
 * products, so large limits cannot overflow), the token bucket in double precision like JS.
 *
 * Concurrency: each (key, name) pair is guarded by a transaction-scoped advisory lock taken in
 * ascending hash order, so two requests sharing rules queue instead of deadlocking, and a pair
 * that has no row yet is protected as well as one that has (row locks need a row).
 */
export const limiter = (s: string): string[] => [
  // Transaction-scoped advisory locks on the request's (key, name) pairs, ascending.
  `CREATE OR REPLACE FUNCTION ${s}._limiter_lock(p_items jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
    DECLARE v_h bigint;
    BEGIN
      FOR v_h IN
        SELECT DISTINCT hashtextextended((e->>'key') || chr(31) || (e->>'name'), 77)
        FROM jsonb_array_elements(p_items) AS e ORDER BY 1
      LOOP
        PERFORM pg_advisory_xact_lock(v_h);
      END LOOP;
    END $$`,

  // Decide every item at p_now (epoch ms); when p_write and every rule admits, store the new
  // states. The caller holds the locks (or, for a dry run, needs none).
  `CREATE OR REPLACE FUNCTION ${s}._limiter_eval(p_items jsonb, p_now bigint, p_write boolean)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    DECLARE
      v_now bigint := p_now; it record; v_all boolean := true; v_rules jsonb := '[]'::jsonb;
      v_ord bigint[] := '{}'; v_keys text[] := '{}'; v_names text[] := '{}'; v_kinds text[] := '{}';
      v_wins bigint[] := '{}'; v_counts bigint[] := '{}'; v_prevs bigint[] := '{}';
      v_tokens float8[] := '{}'; v_upd bigint[] := '{}'; v_exps bigint[] := '{}';
      ww bigint; w bigint; curr bigint; prev bigint; ok boolean; cnt bigint; rem bigint; rst bigint;
      retry bigint; lft bigint; need bigint; exp bigint; rate float8; tokens float8; left_t float8;
    BEGIN
      FOR it IN
        SELECT t.ord, t.e->>'key' AS k, t.e->>'name' AS n, t.e->>'kind' AS kind,
          (t.e->>'limit')::bigint AS lim, (t.e->>'windowMs')::bigint AS wms,
          (t.e->>'refillAmount')::bigint AS refill, (t.e->>'cost')::bigint AS cost,
          ls.kind AS s_kind, ls.win AS s_win, ls.count AS s_count, ls.prev AS s_prev,
          ls.tokens AS s_tokens, ls.updated_ms AS s_updated
        FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(e, ord)
        -- State past its expiry reads as no state, exactly as if it had already been dropped.
        LEFT JOIN ${s}.limiter_state ls ON ls.key = t.e->>'key' AND ls.name = t.e->>'name' AND ls.expires_ms > v_now
        ORDER BY t.ord
      LOOP
        ww := it.wms;
        IF it.kind = 'token_bucket' THEN
          rate := it.refill::float8 / ww::float8;
          IF it.s_kind = 'token_bucket' THEN
            tokens := least(it.lim::float8, it.s_tokens + greatest(0, v_now - it.s_updated)::float8 * rate);
          ELSE
            tokens := it.lim::float8;
          END IF;
          ok := tokens >= it.cost::float8;
          left_t := CASE WHEN ok THEN tokens - it.cost::float8 ELSE tokens END;
          rem := greatest(0, floor(left_t))::bigint;
          IF rate > 0 THEN
            rst := v_now + ceil((it.lim::float8 - left_t) / rate)::bigint;
            retry := CASE WHEN ok THEN 0 ELSE ceil((it.cost::float8 - tokens) / rate)::bigint END;
            IF NOT ok AND it.cost <= it.lim AND it.s_kind = 'token_bucket' THEN
              -- The refill is in doubles, so the division can land a millisecond off: step to the
              -- first whole millisecond at which this same evaluation admits (core's algorithms.ts).
              WHILE retry > 1 AND least(it.lim::float8, it.s_tokens
                  + greatest(0, v_now + retry - 1 - it.s_updated)::float8 * rate) >= it.cost::float8 LOOP
                retry := retry - 1;
              END LOOP;
              WHILE least(it.lim::float8, it.s_tokens
                  + greatest(0, v_now + retry - it.s_updated)::float8 * rate) < it.cost::float8 LOOP
                retry := retry + 1;
              END LOOP;
            END IF;
          ELSE
            -- No refill: JS would say Infinity. Report the latest representable time instead.
            rst := CASE WHEN left_t >= it.lim::float8 THEN v_now ELSE 8640000000000000 END;
            retry := CASE WHEN ok THEN 0 ELSE 8640000000000000 - v_now END;
          END IF;
          -- Forgettable once refilled completely, +1 ms so float refill has surely reached the limit
          -- (state-expiry.ts); a bucket that never refills is kept.
          exp := CASE WHEN rate > 0
            THEN v_now + ceil(greatest(0, it.lim::float8 - left_t) / rate)::bigint + 1
            ELSE 9223372036854775807 END;
          w := 0; cnt := 0; prev := 0;
        ELSE
          w := v_now / ww; -- v_now >= 0, so integer division is floor
          IF it.s_kind = it.kind AND it.s_win = w THEN
            curr := it.s_count; prev := it.s_prev;
          ELSIF it.s_kind = it.kind AND it.s_win = w - 1 THEN
            curr := 0; prev := it.s_count;
          ELSE
            curr := 0; prev := 0;
          END IF;
          IF it.kind = 'fixed_window' THEN
            ok := curr + it.cost <= it.lim;
            cnt := CASE WHEN ok THEN curr + it.cost ELSE curr END;
            rst := (w + 1) * ww;
            rem := greatest(0, it.lim - cnt);
            retry := CASE WHEN ok THEN 0 ELSE rst - v_now END;
            prev := 0;
            exp := rst;
          ELSE
            lft := ww - (v_now - w * ww);
            ok := prev::numeric * lft + (curr + it.cost)::numeric * ww <= it.lim::numeric * ww;
            cnt := CASE WHEN ok THEN curr + it.cost ELSE curr END;
            -- trunc and floor differ only below zero, where greatest() gives 0 either way
            rem := greatest(0, div(it.lim::numeric * ww - prev::numeric * lft - cnt::numeric * ww, ww))::bigint;
            rst := CASE WHEN cnt > 0 THEN (w + 2) * ww WHEN prev > 0 THEN (w + 1) * ww ELSE v_now END;
            retry := 0;
            IF NOT ok THEN
              IF curr + it.cost <= it.lim AND prev > 0 THEN
                need := div((it.lim - curr - it.cost)::numeric * ww, prev)::bigint;
                retry := greatest(1, lft - need);
              ELSIF it.cost <= it.lim THEN
                need := CASE WHEN curr > 0 THEN div((it.lim - it.cost)::numeric * ww, curr)::bigint ELSE ww END;
                retry := (w + 1) * ww - v_now + greatest(0, ww - need);
              ELSE
                retry := rst - v_now;
              END IF;
            END IF;
            exp := (w + 2) * ww;
          END IF;
          left_t := 0;
        END IF;
        v_all := v_all AND ok;
        v_rules := v_rules || jsonb_build_object('name', it.n, 'key', it.k, 'limit', it.lim, 'remaining', rem,
          'reset', rst, 'retryAfter', retry, 'allowed', ok);
        v_ord := v_ord || it.ord; v_keys := v_keys || it.k; v_names := v_names || it.n;
        v_kinds := v_kinds || it.kind; v_wins := v_wins || w; v_counts := v_counts || cnt;
        v_prevs := v_prevs || prev; v_tokens := v_tokens || left_t; v_upd := v_upd || v_now;
        v_exps := v_exps || exp;
      END LOOP;

      IF v_all AND p_write THEN
        INSERT INTO ${s}.limiter_state AS ls (key, name, kind, win, count, prev, tokens, updated_ms, expires_ms)
        SELECT DISTINCT ON (u.u_k, u.u_n) u.u_k, u.u_n, u.u_kind, u.u_win, u.u_cnt, u.u_prev, u.u_tok, u.u_upd, u.u_exp
        FROM unnest(v_ord, v_keys, v_names, v_kinds, v_wins, v_counts, v_prevs, v_tokens, v_upd, v_exps)
          AS u(u_ord, u_k, u_n, u_kind, u_win, u_cnt, u_prev, u_tok, u_upd, u_exp)
        ORDER BY u.u_k, u.u_n, u.u_ord DESC
        ON CONFLICT (key, name) DO UPDATE SET kind = excluded.kind, win = excluded.win, count = excluded.count,
          prev = excluded.prev, tokens = excluded.tokens, updated_ms = excluded.updated_ms,
          expires_ms = excluded.expires_ms;
      END IF;

      -- State that can no longer matter (it already reads as absent) is dropped now and then, a
      -- few rows at a time, skipping rows in use: the table stays the size of the live keys.
      IF p_write AND random() < 0.01 THEN
        DELETE FROM ${s}.limiter_state WHERE (key, name) IN (
          SELECT key, name FROM ${s}.limiter_state WHERE expires_ms <= v_now
          LIMIT 100 FOR UPDATE SKIP LOCKED);
      END IF;

      RETURN jsonb_build_object('allowed', v_all, 'now', v_now, 'rules', v_rules);
    END $$`,

  `CREATE OR REPLACE FUNCTION ${s}.limiter_consume(p_items jsonb, p_dry boolean, p_now_ms bigint)
    RETURNS jsonb LANGUAGE plpgsql
    AS $$
    BEGIN
      IF NOT p_dry THEN PERFORM ${s}._limiter_lock(p_items); END IF;
      -- The time is read after the locks: a request that queued decides at the time it runs.
      RETURN ${s}._limiter_eval(p_items,
        coalesce(p_now_ms, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), NOT p_dry);
    END $$`,
]
