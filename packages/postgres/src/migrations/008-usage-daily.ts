/**
 * Version 8: a daily rollup of usage events per (account, day, feature), so a day-bucketed stats
 * query reads one row per account, day and feature instead of every event (docs/design.md,
 * "Usage at scale"). Statement-level triggers keep it equal to the raw table in the same
 * transaction as any insert, update, delete or truncate of `usage_events`, whoever runs it: the
 * adapter's `record`, a bulk import, or a retention job. Only dropping or detaching a partition
 * (which fires no trigger) bypasses them; the rollup is then rebuilt with `_usage_daily_rebuild`.
 *
 * Days are UTC dates. The sums are exact (bigint, like the raw query's `sum()::bigint`).
 */
export const usageDaily = (s: string): string[] => [
  `CREATE TABLE ${s}.usage_daily (
    account text NOT NULL,
    day date NOT NULL,
    feature text NOT NULL,
    events bigint NOT NULL,
    amount bigint NOT NULL,
    input_tokens bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    quantity bigint NOT NULL,
    errors bigint NOT NULL,
    PRIMARY KEY (account, day, feature)
  ) WITH (fillfactor = 90)`,
  // The admin's all-accounts stats range over days.
  `CREATE INDEX usage_daily_day_idx ON ${s}.usage_daily (day)`,
  // One function per trigger event: a transition table is only visible to the trigger that
  // declares it. Rows are upserted in key order, so two multi-row statements lock rollup rows in
  // the same order; a row whose events reach zero is removed, so the rollup holds exactly the
  // (account, day, feature) triples that have events.
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_insert()
    RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
      INSERT INTO ${s}.usage_daily AS d (account, day, feature, events, amount, input_tokens,
          cached_input_tokens, output_tokens, quantity, errors)
        SELECT account, (at AT TIME ZONE 'UTC')::date, feature, count(*), sum(amount), sum(input_tokens),
          sum(cached_input_tokens), sum(output_tokens), sum(quantity), count(*) FILTER (WHERE status = 'error')
        FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (account, day, feature) DO UPDATE SET events = d.events + excluded.events,
        amount = d.amount + excluded.amount, input_tokens = d.input_tokens + excluded.input_tokens,
        cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
        output_tokens = d.output_tokens + excluded.output_tokens, quantity = d.quantity + excluded.quantity,
        errors = d.errors + excluded.errors;
      RETURN NULL;
    END $$`,
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_delete()
    RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
      WITH gone AS (
        SELECT account, (at AT TIME ZONE 'UTC')::date AS day, feature, count(*) AS events, sum(amount) AS amount,
          sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
          sum(output_tokens) AS output_tokens, sum(quantity) AS quantity,
          count(*) FILTER (WHERE status = 'error') AS errors
        FROM old_rows GROUP BY 1, 2, 3
      )
      UPDATE ${s}.usage_daily d SET events = d.events - g.events, amount = d.amount - g.amount,
        input_tokens = d.input_tokens - g.input_tokens, cached_input_tokens = d.cached_input_tokens - g.cached_input_tokens,
        output_tokens = d.output_tokens - g.output_tokens, quantity = d.quantity - g.quantity,
        errors = d.errors - g.errors
      FROM gone g WHERE d.account = g.account AND d.day = g.day AND d.feature = g.feature;
      DELETE FROM ${s}.usage_daily d USING (SELECT DISTINCT account, (at AT TIME ZONE 'UTC')::date AS day, feature
        FROM old_rows) g
        WHERE d.account = g.account AND d.day = g.day AND d.feature = g.feature AND d.events = 0;
      RETURN NULL;
    END $$`,
  // An update is the old rows taken away and the new rows added.
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_update()
    RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
      WITH delta AS (
        SELECT account, (at AT TIME ZONE 'UTC')::date AS day, feature, sign * 1 AS events, sign * amount AS amount,
          sign * input_tokens AS input_tokens, sign * cached_input_tokens AS cached_input_tokens,
          sign * output_tokens AS output_tokens, sign * quantity AS quantity,
          CASE WHEN status = 'error' THEN sign ELSE 0 END AS errors
        FROM (SELECT *, -1 AS sign FROM old_rows UNION ALL SELECT *, 1 AS sign FROM new_rows) r
      )
      INSERT INTO ${s}.usage_daily AS d (account, day, feature, events, amount, input_tokens,
          cached_input_tokens, output_tokens, quantity, errors)
        SELECT account, day, feature, sum(events), sum(amount), sum(input_tokens), sum(cached_input_tokens),
          sum(output_tokens), sum(quantity), sum(errors)
        FROM delta GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (account, day, feature) DO UPDATE SET events = d.events + excluded.events,
        amount = d.amount + excluded.amount, input_tokens = d.input_tokens + excluded.input_tokens,
        cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
        output_tokens = d.output_tokens + excluded.output_tokens, quantity = d.quantity + excluded.quantity,
        errors = d.errors + excluded.errors;
      DELETE FROM ${s}.usage_daily WHERE events = 0 AND (account, day, feature) IN (
        SELECT account, (at AT TIME ZONE 'UTC')::date, feature FROM old_rows);
      RETURN NULL;
    END $$`,
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_truncate()
    RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
      DELETE FROM ${s}.usage_daily;
      RETURN NULL;
    END $$`,
  // Recomputes the whole rollup from the raw events (after dropping a partition, or to check it).
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_rebuild()
    RETURNS void LANGUAGE plpgsql
    AS $$
    BEGIN
      LOCK TABLE ${s}.usage_events IN SHARE MODE;
      DELETE FROM ${s}.usage_daily;
      INSERT INTO ${s}.usage_daily (account, day, feature, events, amount, input_tokens, cached_input_tokens,
          output_tokens, quantity, errors)
        SELECT account, (at AT TIME ZONE 'UTC')::date, feature, count(*), sum(amount), sum(input_tokens),
          sum(cached_input_tokens), sum(output_tokens), sum(quantity), count(*) FILTER (WHERE status = 'error')
        FROM ${s}.usage_events GROUP BY 1, 2, 3;
    END $$`,
  `CREATE TRIGGER usage_daily_insert AFTER INSERT ON ${s}.usage_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}._usage_daily_on_insert()`,
  `CREATE TRIGGER usage_daily_delete AFTER DELETE ON ${s}.usage_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}._usage_daily_on_delete()`,
  `CREATE TRIGGER usage_daily_update AFTER UPDATE ON ${s}.usage_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ${s}._usage_daily_on_update()`,
  `CREATE TRIGGER usage_daily_truncate AFTER TRUNCATE ON ${s}.usage_events
    FOR EACH STATEMENT EXECUTE FUNCTION ${s}._usage_daily_on_truncate()`,
  // The events already recorded. The triggers exist first and hold their lock until commit, so
  // no insert can fall between the backfill and them.
  `SELECT ${s}._usage_daily_rebuild()`,
]
