import { createHash } from 'node:crypto'
import { createManualClock } from '@metered/core'
import { fingerprint } from '@metered/core/adapter'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createPostgresStores, migrate } from '../src/index.js'
import { installSchemaV4 } from './fixtures/schema-v4/index.js'
import { backends, type OpenedBackend, openPerTest } from './harness.js'

/**
 * 0.1's revoke, called as 0.1's adapter called it: it took no account (keys were one namespace
 * then), so today's adapter cannot call it.
 */
async function revokeV4(
  db: OpenedBackend['db'],
  schema: string,
  now: number,
  grantId: string,
  amount: number,
  reason: string,
  key: string,
): Promise<Record<string, unknown>> {
  const print = fingerprint('revoke', {
    account: '',
    grantId,
    grantIdempotencyKey: null,
    amount,
    reason,
    idempotencyKey: key,
    metadata: null,
  })
  const { rows } = await sql<{
    r: Record<string, unknown>
  }>`SELECT ${sql.id(schema)}.revoke(${grantId}::text, NULL::text,
    ${amount}::bigint, ${reason}::text, ${key}::text, ${print}::text, NULL::jsonb, ${now}::bigint) AS r`.execute(db)
  return rows[0]?.r ?? {}
}

// 0.1 databases exist: versions 5 to 10 must upgrade them in place, with their open holds, stored
// idempotent results and balances intact, and give the same schema as a fresh install.
describe.each(backends)('postgres ($name): upgrade from the 0.1 schema', (backend) => {
  const openFresh = openPerTest(backend)

  it('migrates a database in use by 0.1 to the current version, keeping its state', async () => {
    const { db, schema } = await openFresh({ migrate: false })
    await installSchemaV4(db, schema)
    const clock = createManualClock()
    // 0.1's functions are what run before the upgrade.
    const { ledger } = createPostgresStores(db, { schema, clock })
    const g = await ledger.grant({ account: 'a', amount: 1000, source: 'purchase', idempotencyKey: 'cs_1' })
    const hold = await ledger.reserve({ account: 'a', amount: 600, ttl: '10 m', reason: 'gen' })
    if (!hold.ok) throw new Error('reserve refused')
    const oldRevoke = await revokeV4(db, schema, clock.now(), g.grantId, 100, 'r', 'rv:1')
    // Keyed holds of 0.1: one released before the upgrade, one still open.
    await ledger.grant({ account: 'k', amount: 10, source: 'purchase', idempotencyKey: 'cs_k' })
    const releasedEarly = await ledger.reserve({ account: 'k', amount: 1, ttl: '10 m', idempotencyKey: 'hold:1' })
    const openAcross = await ledger.reserve({ account: 'k', amount: 1, ttl: '10 m', idempotencyKey: 'hold:2' })
    if (!releasedEarly.ok || !openAcross.ok) throw new Error('reserve refused')
    await ledger.release({ holdId: releasedEarly.hold.id })

    const result = await migrate(db, { schema })
    expect(result.applied).toEqual([5, 6, 7, 8, 9, 10, 11])
    expect(result.version).toBe(11)

    // A released hold frees its key, for holds placed by 0.1 too: released before the upgrade,
    // or released after it.
    const again = await ledger.reserve({ account: 'k', amount: 1, ttl: '10 m', idempotencyKey: 'hold:1' })
    expect(again).toMatchObject({ ok: true, replayed: false })
    expect(again.ok && again.hold.id).not.toBe(releasedEarly.hold.id)
    expect(await ledger.reserve({ account: 'k', amount: 1, ttl: '10 m', idempotencyKey: 'hold:2' })).toEqual({
      ...openAcross,
      replayed: true,
    })
    await ledger.release({ holdId: openAcross.hold.id })
    expect(await ledger.reserve({ account: 'k', amount: 1, ttl: '10 m', idempotencyKey: 'hold:2' })).toMatchObject({
      ok: true,
      replayed: false,
    })

    // A result stored by 0.1 replays with the field 0.1 did not have.
    expect(
      await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 100, reason: 'r', idempotencyKey: 'rv:1' }),
    ).toEqual({
      ...oldRevoke,
      pending: 0,
      replayed: true,
    })
    // The hold placed under 0.1 returns its units through the new path, clawback first.
    expect(await ledger.revoke({ account: 'a', grantId: g.grantId, amount: 500, reason: 'refund' })).toMatchObject({
      revoked: 300,
      pending: 200,
    })
    expect(await ledger.release({ holdId: hold.hold.id })).toMatchObject({ released: 400, forfeited: 200 })
    expect(await ledger.balance('a')).toMatchObject({ available: 400, held: 0 })
    expect((await ledger.verify('a')).ok).toBe(true)
  }, 180_000)

  it('an upgraded schema has the same columns, constraints and functions as a fresh one', async () => {
    const { db, schema } = await openFresh({ migrate: false })
    const fresh = `${schema}_fresh`
    await installSchemaV4(db, schema)
    await migrate(db, { schema })
    expect(await migrate(db, { schema: fresh })).toEqual({ applied: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], version: 11 })
    expect(await shape(db, schema)).toEqual(await shape(db, fresh))
  })
})

// Version 9's one-argument _allocate, which read the account's unallocated units itself.
const allocateV9 = (s: string) => `CREATE FUNCTION ${s}._allocate(p_account text) RETURNS void
  LANGUAGE plpgsql
  AS $$
  DECLARE v_units bigint; v_taken bigint;
  BEGIN
    SELECT unallocated INTO v_units FROM ${s}.accounts WHERE account = p_account;
    IF v_units > 0 THEN
      SELECT taken INTO v_taken FROM ${s}._take(p_account, v_units, '-infinity', false);
      IF v_taken <> v_units THEN
        RAISE EXCEPTION 'cached available disagrees with the grants' USING ERRCODE = 'MT500';
      END IF;
      UPDATE ${s}.accounts SET unallocated = 0 WHERE account = p_account;
    END IF;
  END $$`

describe.each(backends)('postgres ($name): upgrade from version 9', (backend) => {
  const openFresh = openPerTest(backend)

  it('drops the one-argument _allocate and gives the debits before the upgrade their grants', async () => {
    const { db, schema } = await openFresh({ migrate: false })
    const fresh = `${schema}_fresh`
    await migrate(db, { schema })
    const { ledger } = createPostgresStores(db, { schema, clock: createManualClock() })
    await ledger.grant({ account: 'a', amount: 10, source: 'first', priority: 5, idempotencyKey: 'f' })
    await ledger.grant({ account: 'a', amount: 100, source: 'second', idempotencyKey: 's' })
    await ledger.debit({ account: 'a', amount: 8, reason: 'chat' })
    // back to version 9 as far as version 10 changed it: its _allocate, and no record of 10
    await sql.raw(allocateV9(`"${schema}"`)).execute(db)
    await sql`DELETE FROM ${sql.id(schema)}.migrations WHERE version = 10`.execute(db)

    expect(await migrate(db, { schema })).toEqual({ applied: [10], version: 11 })
    await migrate(db, { schema: fresh })
    expect(await shape(db, schema)).toEqual(await shape(db, fresh))
    const hold = await ledger.reserve({ account: 'a', amount: 5, ttl: '10 m', reason: 'gen' })
    expect(hold).toMatchObject({ ok: true, available: 97 })
    expect((await ledger.balance('a')).grants.map((g) => [g.source, g.remaining])).toEqual([['second', 97]])
    expect((await ledger.verify('a')).ok).toBe(true)
  })
})

/** Everything about a schema that its SQL defines, with the schema's name taken out. */
async function shape(db: OpenedBackend['db'], schema: string) {
  const columns = await sql<{ t: string }>`
    SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' ||
      coalesce(column_default, '') AS t
    FROM information_schema.columns WHERE table_schema = ${schema} ORDER BY 1`.execute(db)
  const constraints = await sql<{ t: string }>`
    SELECT c.conrelid::regclass::text || ' ' || pg_get_constraintdef(c.oid) AS t
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = ${schema} ORDER BY 1`.execute(db)
  const functions = await sql<{ t: string }>`
    SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' ||
      pg_get_function_result(p.oid) || ' ' || p.prosrc AS t
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ${schema} ORDER BY 1`.execute(db)
  const indexes = await sql<{ t: string }>`
    SELECT indexname || ' ' || indexdef AS t FROM pg_indexes WHERE schemaname = ${schema} ORDER BY 1`.execute(db)
  const strip = (rows: { t: string }[]) => rows.map((r) => r.t.replaceAll(schema, 'S'))
  // Function bodies compare by digest, so a difference reads as one line, not two pages of SQL.
  const digest = (t: string) => {
    const at = t.indexOf(') ', t.indexOf('('))
    return `${t.slice(0, at + 1)} ${createHash('sha256')
      .update(t.slice(at + 2))
      .digest('hex')
      .slice(0, 16)}`
  }
  return {
    columns: strip(columns.rows),
    constraints: strip(constraints.rows),
    functions: strip(functions.rows).map(digest),
    indexes: strip(indexes.rows),
  }
}
