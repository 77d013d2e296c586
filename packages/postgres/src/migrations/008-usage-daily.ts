/**
 * Version 8: daily rollups of usage events, so a day-bucketed stats query reads one row per day
 * and feature (and account) instead of every event (docs/design.md, "Usage at scale"):
 *
 * - `usage_daily`: per (account, day, feature), for one account's dashboard;
 * - `usage_daily_all`: per (day, feature, stripe), for the all-accounts dashboard. The stripe is
 *   a fixed function of the account (16 of them), so concurrent inserts of different accounts
 *   rarely wait for the same row, where a single row per day would serialise every insert.
 *
 * Statement-level triggers keep both equal to the raw table in the same transaction as any
 * insert, update, delete or truncate of `usage_events`, whoever runs it: the adapter's `record`,
 * a bulk import, a retention job. Only dropping or detaching a partition (which fires no trigger)
 * bypasses them; `SELECT <schema>._usage_daily_rebuild()` then recomputes both.
 *
 * Days are UTC dates. The sums are exact (bigint, like the raw query's `sum()::bigint`).
 */
const SUMS = 'events, amount, input_tokens, cached_input_tokens, output_tokens, quantity, errors'
const ADD = `events = d.events + excluded.events, amount = d.amount + excluded.amount,
  input_tokens = d.input_tokens + excluded.input_tokens,
  cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
  output_tokens = d.output_tokens + excluded.output_tokens, quantity = d.quantity + excluded.quantity,
  errors = d.errors + excluded.errors`
const SUM_DELTA =
  'sum(events), sum(amount), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(quantity), sum(errors)'

/** The stripe of an account in `usage_daily_all`: from md5, the same on every server and version. */
const stripe = (account: string) => `(get_byte(decode(md5(${account}), 'hex'), 0) & 15)`

/**
 * The body of a trigger function that adds `rows` (a query of usage_events rows with a `sign`
 * column, 1 to add and -1 to take away) to both rollups. Rows are upserted in key order, so two
 * multi-row statements lock rollup rows in the same order. When rows can be taken away, a rollup
 * row whose events reach zero is removed, so the rollups hold exactly the days that have events.
 */
const applyBody = (s: string, rows: string, takesAway: boolean) => `
    BEGIN
      WITH delta AS (
        SELECT account, (at AT TIME ZONE 'UTC')::date AS day, feature, sum(sign) AS events,
          sum(sign * amount) AS amount, sum(sign * input_tokens) AS input_tokens,
          sum(sign * cached_input_tokens) AS cached_input_tokens, sum(sign * output_tokens) AS output_tokens,
          sum(sign * quantity) AS quantity, sum(sign) FILTER (WHERE status = 'error') AS errors
        FROM (${rows}) r GROUP BY 1, 2, 3
      ), per_account AS (
        INSERT INTO ${s}.usage_daily AS d (account, day, feature, ${SUMS})
          SELECT account, day, feature, events, amount, input_tokens, cached_input_tokens, output_tokens, quantity,
            coalesce(errors, 0)
          FROM delta ORDER BY 1, 2, 3
        ON CONFLICT (account, day, feature) DO UPDATE SET ${ADD}
        RETURNING 1
      )
      INSERT INTO ${s}.usage_daily_all AS d (day, feature, stripe, ${SUMS})
        SELECT day, feature, ${stripe('account')}, ${SUM_DELTA.replace('sum(errors)', 'coalesce(sum(errors), 0)')}
        FROM delta GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (day, feature, stripe) DO UPDATE SET ${ADD};
      ${
        takesAway
          ? `DELETE FROM ${s}.usage_daily WHERE events = 0 AND (account, day, feature) IN (
          SELECT account, (at AT TIME ZONE 'UTC')::date, feature FROM old_rows);
      DELETE FROM ${s}.usage_daily_all WHERE events = 0 AND (day, feature, stripe) IN (
          SELECT (at AT TIME ZONE 'UTC')::date, feature, ${stripe('account')} FROM old_rows);`
          : ''
      }
      RETURN NULL;
    END`

const rollupColumns = `events bigint NOT NULL,
    amount bigint NOT NULL,
    input_tokens bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    quantity bigint NOT NULL,
    errors bigint NOT NULL`

export const usageDaily = (s: string): string[] => [
  `CREATE TABLE ${s}.usage_daily (
    account text NOT NULL,
    day date NOT NULL,
    feature text NOT NULL,
    ${rollupColumns},
    PRIMARY KEY (account, day, feature)
  )`,
  `CREATE TABLE ${s}.usage_daily_all (
    day date NOT NULL,
    feature text NOT NULL,
    stripe smallint NOT NULL,
    ${rollupColumns},
    PRIMARY KEY (day, feature, stripe)
  ) WITH (fillfactor = 70)`,
  // One function per trigger event: a transition table is only visible to the trigger that declares it.
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_insert() RETURNS trigger LANGUAGE plpgsql
    AS $$${applyBody(s, 'SELECT *, 1 AS sign FROM new_rows', false)}$$`,
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_delete() RETURNS trigger LANGUAGE plpgsql
    AS $$${applyBody(s, 'SELECT *, -1 AS sign FROM old_rows', true)}$$`,
  // An update is the old rows taken away and the new rows added.
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_update() RETURNS trigger LANGUAGE plpgsql
    AS $$${applyBody(s, 'SELECT *, -1 AS sign FROM old_rows UNION ALL SELECT *, 1 AS sign FROM new_rows', true)}$$`,
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_on_truncate() RETURNS trigger LANGUAGE plpgsql
    AS $$
    BEGIN
      DELETE FROM ${s}.usage_daily;
      DELETE FROM ${s}.usage_daily_all;
      RETURN NULL;
    END $$`,
  // Recomputes both rollups from the raw events (after dropping a partition, or to check them).
  `CREATE OR REPLACE FUNCTION ${s}._usage_daily_rebuild() RETURNS void LANGUAGE plpgsql
    AS $$
    BEGIN
      LOCK TABLE ${s}.usage_events IN SHARE MODE;
      DELETE FROM ${s}.usage_daily;
      DELETE FROM ${s}.usage_daily_all;
      INSERT INTO ${s}.usage_daily (account, day, feature, ${SUMS})
        SELECT account, (at AT TIME ZONE 'UTC')::date, feature, count(*), sum(amount), sum(input_tokens),
          sum(cached_input_tokens), sum(output_tokens), sum(quantity), count(*) FILTER (WHERE status = 'error')
        FROM ${s}.usage_events GROUP BY 1, 2, 3;
      INSERT INTO ${s}.usage_daily_all (day, feature, stripe, ${SUMS})
        SELECT day, feature, ${stripe('account')}, ${SUM_DELTA}
        FROM ${s}.usage_daily GROUP BY 1, 2, 3;
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
