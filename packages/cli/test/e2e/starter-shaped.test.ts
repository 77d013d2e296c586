import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPostgresStores } from '@metered/postgres'
import { createTestDatabase, startFakeOpenAI, type TestDatabase } from '@metered/tooling'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unifiedDiff } from '../../src/diff.js'
import {
  BETTER_AUTH_FILES,
  betterAuthEnv,
  type Caller,
  cliBin,
  get,
  migrateBetterAuth,
  nextStart,
  npmInstall,
  post,
  signUp,
  step,
  workspaceOutside,
} from './apps.js'

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url))
const ROUTE = 'app/api/turn_response/route.ts'
const turn = { messages: [{ role: 'user', content: 'Hi there' }] }

/** Reads a whole streamed answer (the charge is settled when the stream ends). */
async function readAll(res: Response): Promise<string> {
  return await res.text()
}

async function balanceOf(base: string, caller: Caller): Promise<number> {
  const body = (await (await get(base, '/api/credits/balance', caller)).json()) as { available: number }
  return body.available
}

describe('metered init on the OpenAI Responses starter shape (Next 15.2, React 18, openai 4, zod 3, Postgres, Better Auth)', () => {
  let app = ''
  let server: { base: string; stop(): Promise<void> } | null = null
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>> | null = null
  let database: TestDatabase | null = null
  /** The request bodies the fake OpenAI got on the Responses endpoint. */
  const responsesBodies = () => (fake?.calls ?? []).filter((c) => c.path === '/v1/responses').map((c) => c.body)
  let databaseUrl = ''
  let initOutput = ''
  let handWritten = 0
  let authLines = 0
  const cookies: Record<string, { cookie: string }> = {}

  beforeAll(async () => {
    // A database of its own on the test Postgres, empty: the app init sets up migrates it, and
    // init finds DATABASE_URL in .env.local.
    database = await createTestDatabase({ prefix: 'cli_e2e' })
    databaseUrl = database.url

    const { dir, tarballs } = await workspaceOutside(['core', 'next', 'postgres', 'stripe'])
    app = join(dir, 'app')
    await cp(join(fixtures, 'starter-shaped'), app, { recursive: true })
    await writeFile(join(app, '.env.local'), `DATABASE_URL=${databaseUrl}\n`)
    // The starter has no sign-in: the user adds Better Auth as its docs say, then runs init.
    await npmInstall(app, ['better-auth', 'pg', '@types/pg'])
    for (const [file, text] of Object.entries(BETTER_AUTH_FILES)) {
      await mkdir(dirname(join(app, file)), { recursive: true })
      await writeFile(join(app, file), text)
      authLines += text.trimEnd().split('\n').length
    }

    initOutput = await step(app, process.execPath, [cliBin, 'init', '--yes'])
    // Install exactly what init printed (the @metered/* packages from the packed tarballs).
    const line = /^\s*npm install (.+?)( && npm install -D (.+))?$/m.exec(initOutput)
    expect(line, initOutput).not.toBeNull()
    const named = (line?.[1] ?? '').split(' ')
    const byName = (name: string) =>
      name.startsWith('@metered/')
        ? (tarballs.find((t) => t.includes(`/${name.replace('@metered/', 'metered-')}-`)) ?? name)
        : name
    await npmInstall(app, [...named.map(byName), ...(line?.[3]?.split(' ') ?? [])])

    const before = await readFile(join(app, ROUTE), 'utf8')
    const after = await readFile(join(fixtures, 'starter-metered', ROUTE), 'utf8')
    await writeFile(join(app, ROUTE), after)
    handWritten = unifiedDiff(ROUTE, before, after)
      .split('\n')
      .filter((l) => l.startsWith('+') && !l.startsWith('+++') && l.trim() !== '+').length
    console.log(`[cli e2e] lines written by hand: ${ROUTE} ${handWritten} (diff), Better Auth set-up ${authLines}`)

    await migrateBetterAuth(app, databaseUrl)
    await step(app, process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'build'])
    fake = await startFakeOpenAI()
    server = await nextStart(
      app,
      betterAuthEnv(databaseUrl, { OPENAI_API_KEY: 'sk-test-fake', OPENAI_BASE_URL: fake.url }),
    )
    for (const user of ['alice', 'bob']) cookies[user] = { cookie: await signUp(server.base, user) }
  })

  afterAll(async () => {
    await server?.stop()
    if (app && process.env.METERED_E2E_KEEP !== '1') await rm(dirname(app), { recursive: true, force: true })
    await fake?.close()
    await database?.drop()
  })

  it('detects the app (Postgres from .env.local, Better Auth, the @/ alias) and needs at most 40 hand-written lines', () => {
    expect(initOutput).toContain('Next.js 15, app/, auth better-auth, db postgres')
    expect(initOutput).toContain('edited     lib/auth.ts')
    expect(initOutput).toContain("imports '@/…'")
    expect(initOutput).toContain('created    instrumentation.ts')
    expect(initOutput).toContain('edited     app/layout.tsx')
    // the metered route and the sign-in the starter lacks (Better Auth's documented set-up)
    expect(handWritten + authLines).toBeLessThanOrEqual(40)
  })

  it('answers 401 without a session and never calls OpenAI', async () => {
    const res = await post(server!.base, '/api/turn_response', null, turn)
    expect(res.status).toBe(401)
    expect(responsesBodies()).toHaveLength(0)
  })

  it('streams a turn in the starter format and charges its usage at gpt-4.1 x 1.3', async () => {
    const res = await post(server!.base, '/api/turn_response', cookies.alice!, turn)
    expect(res.status).toBe(200)
    const text = await readAll(res)
    expect(text).toContain('data: {"event":"response.output_text.delta"')
    // (20 x $2 + 100 cached x $0.5 + 30 x $8) / 1M = $0.00033, x 1.3 = 0.429 credits of 1000 signup credits
    await expect.poll(() => balanceOf(server!.base, cookies.alice!)).toBe(999.571)
    expect(responsesBodies()[0]).toMatchObject({ model: 'gpt-4.1', max_output_tokens: 2048, stream: true })
  })

  it('answers 402 when the balance is below the worst case of a turn, without calling OpenAI', async () => {
    // Spend alice's credits down to 1 straight in the database the app uses (her account is her user id).
    const session = (await (await get(server!.base, '/api/auth/get-session', cookies.alice!)).json()) as {
      user: { id: string }
    }
    const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl }) }) })
    try {
      const { ledger } = createPostgresStores(db)
      const debit = await ledger.debit({ account: session.user.id, amount: 998_571, reason: 'test' })
      expect(debit.ok).toBe(true)
    } finally {
      await db.destroy()
    }
    const calls = responsesBodies().length
    const res = await post(server!.base, '/api/turn_response', cookies.alice!, turn)
    expect(res.status).toBe(402)
    expect(await res.json()).toMatchObject({ available: 1 })
    expect(responsesBodies()).toHaveLength(calls)
  })

  it('answers 429 past the burst limit', async () => {
    const answers = await Promise.all(
      Array.from({ length: 16 }, () => post(server!.base, '/api/turn_response', cookies.bob!, turn)),
    )
    await Promise.all(answers.map((r) => r.text()))
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(11)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5)
  })
})
