import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  signIn,
  signUp,
  step,
  workspaceOutside,
} from './apps.js'

// create-next-app as a user runs it today (pinned: a new release must not turn this red overnight).
const CREATE_NEXT_APP = 'create-next-app@16.4.3'

/** The routes a user writes by hand after init: one metered call at a fixed price, one rate-limited one. */
const HAND_WRITTEN = {
  'app/api/demo/route.ts': `import { metered } from '@/lib/metered'

export const POST = metered.withCredits({ feature: 'generate', price: 400 }, async () => Response.json({ ok: true }))
`,
  'app/api/ping/route.ts': `import { metered } from '@/lib/metered'

export const POST = metered.withRateLimit({}, async () => Response.json({ pong: true }))
`,
}

/** The sandbox has no route to Google Fonts: the template's next/font/google lines go (nothing else). */
function withoutGoogleFonts(layout: string): string {
  return layout
    .replace(/import \{[^}]*\} from ["']next\/font\/google["'];?\n/, '')
    .replace(/\nconst \w+ = Geist\w*\(\{[^}]*\}\);?\n/g, '')
    .replace(/ className=\{`\$\{geistSans\.variable\} \$\{geistMono\.variable\}[^`]*`\}/, '')
}

/** Lines of `files` (blank ones included): what the user typed. */
function lineCount(files: Record<string, string>): number {
  return Object.values(files).reduce((n, text) => n + text.trimEnd().split('\n').length, 0)
}

async function balanceOf(base: string, caller: Caller): Promise<number> {
  const body = (await (await get(base, '/api/credits/balance', caller)).json()) as { available: number }
  return body.available
}

describe(`metered init on a fresh ${CREATE_NEXT_APP} with Better Auth (npm, packed tarballs, next build, next start)`, () => {
  let app = ''
  let server: { base: string; stop(): Promise<void> } | null = null
  let admin: pg.Client | null = null
  let databaseUrl = ''
  let firstRun = ''
  let secondRun = ''
  let authModule = ''
  const cookies: Record<string, { cookie: string }> = {}

  beforeAll(async () => {
    // Better Auth's tables in a database of their own on the test Postgres (tooling's global setup).
    const url = new URL(process.env.DATABASE_URL ?? '')
    admin = new pg.Client({ connectionString: url.toString() })
    await admin.connect()
    const name = `cli_e2e_${randomUUID().replaceAll('-', '').slice(0, 12)}`
    await admin.query(`CREATE DATABASE ${name}`)
    url.pathname = `/${name}`
    databaseUrl = url.toString()

    const { dir, tarballs } = await workspaceOutside(['core', 'next', 'stripe'])
    app = join(dir, 'app')
    await step(dir, 'npx', [
      '-y',
      CREATE_NEXT_APP,
      'app',
      '--ts',
      '--app',
      '--no-tailwind',
      '--no-eslint',
      '--no-src-dir',
      '--import-alias',
      '@/*',
      '--use-npm',
      '--skip-install',
      '--disable-git',
      '--no-react-compiler',
      '--no-agents-md',
      '--yes',
    ])
    const layout = join(app, 'app/layout.tsx')
    await writeFile(layout, withoutGoogleFonts(await readFile(layout, 'utf8')))
    await npmInstall(app, [...tarballs, 'stripe', 'better-auth', 'pg', '@types/pg'])
    for (const [file, text] of Object.entries(BETTER_AUTH_FILES)) {
      await mkdir(dirname(join(app, file)), { recursive: true })
      await writeFile(join(app, file), text)
    }
    firstRun = await step(app, process.execPath, [cliBin, 'init', '--yes', '--db', 'memory'])
    secondRun = await step(app, process.execPath, [cliBin, 'init', '--yes', '--db', 'memory'])
    for (const [file, text] of Object.entries(HAND_WRITTEN)) {
      await mkdir(dirname(join(app, file)), { recursive: true })
      await writeFile(join(app, file), text)
    }
    authModule = await readFile(join(app, 'lib/auth.ts'), 'utf8')
    console.log(
      `[cli e2e] lines written by hand: Better Auth set-up ${lineCount(BETTER_AUTH_FILES)}, metered routes ${lineCount(HAND_WRITTEN)}`,
    )
    await migrateBetterAuth(app, databaseUrl)
    await step(app, process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'build'])
    // METERED_DEV_IDENTITY is set on purpose: Better Auth apps never read it, nor would production.
    server = await nextStart(app, betterAuthEnv(databaseUrl, { METERED_DEV_IDENTITY: '1' }))
    for (const user of ['alice', 'bob', 'carol']) cookies[user] = { cookie: await signUp(server.base, user) }
  })

  afterAll(async () => {
    await server?.stop()
    if (app && process.env.METERED_E2E_KEEP !== '1') await rm(dirname(app), { recursive: true, force: true })
    await admin?.end()
  })

  it('detects Better Auth, writes the integration once, wires the plugin into lib/auth.ts, edits the layout; a second run changes nothing', async () => {
    expect(firstRun).toContain('auth better-auth')
    expect(firstRun).toContain('created    lib/metered.ts')
    expect(firstRun).toContain('created    lib/metered-auth.ts')
    expect(firstRun).toContain('created    app/api/credits/[...route]/route.ts')
    expect(firstRun).toContain('edited     app/layout.tsx')
    expect(firstRun).toContain('edited     lib/auth.ts')
    expect(secondRun).toContain('Nothing to do: metered is already set up here.')
    expect(secondRun).not.toMatch(/created|updated|edited/)
    const layout = await readFile(join(app, 'app/layout.tsx'), 'utf8')
    expect(layout).toContain('<MeteredProvider>')
    expect(authModule).toContain('plugins: [meteredPlugin],')
  })

  it('answers 401 to a caller without a session, and to the development header in production', async () => {
    expect((await post(server!.base, '/api/demo', null)).status).toBe(401)
    expect((await post(server!.base, '/api/demo', { devUser: 'alice' })).status).toBe(401)
  })

  it('a sign-up grants the signup credits once (a second sign-in grants nothing) and records both logins', async () => {
    const base = server!.base
    expect(await balanceOf(base, cookies.carol!)).toBe(1000)
    const again = { cookie: await signIn(base, 'carol') }
    expect(await balanceOf(base, again)).toBe(1000)
    const profile = (await (await get(base, '/api/profile', again)).json()) as {
      user: { email: string; loginCount: number }
    }
    expect(profile.user).toMatchObject({ email: 'carol@example.com', loginCount: 2 })
    const logins = (await (await get(base, '/api/profile/logins', again)).json()) as {
      logins: { provider: string }[]
    }
    expect(logins.logins.map((l) => l.provider)).toEqual(['email', 'email'])
  })

  it('charges the signup credits down by the exact price, then answers 402', async () => {
    const base = server!.base
    const alice = cookies.alice!
    expect((await post(base, '/api/demo', alice)).status).toBe(200)
    expect(await balanceOf(base, alice)).toBe(600)
    expect((await post(base, '/api/demo', alice)).status).toBe(200)
    const refused = await post(base, '/api/demo', alice)
    expect(refused.status).toBe(402)
    expect(await refused.json()).toMatchObject({ required: 400, available: 200 })
    const balance = await get(base, '/api/credits/balance', alice)
    expect(await balance.json()).toMatchObject({ available: 200, held: 0 })
  })

  it('answers 429 past the burst limit (10 at once), with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 16 }, () => post(server!.base, '/api/ping', cookies.bob!)))
    const statuses = answers.map((r) => r.status)
    const limited = answers.filter((r) => r.status === 429)
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10)
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(11)
    expect(limited.length).toBeGreaterThanOrEqual(5)
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('renders the root layout with the provider and the balance', async () => {
    const res = await get(server!.base, '/', null)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Loading credits')
  })

  it('refuses checkout in production without Stripe keys (the dev checkout is development only)', async () => {
    const res = await post(server!.base, '/api/checkout', cookies.carol!, { packId: 'pack-5' })
    expect(res.status).toBe(503)
  })

  it('sells a credit pack through the dev checkout page (next dev, no Stripe keys): the signed webhook grants it', async () => {
    await server?.stop()
    server = await nextStart(app, betterAuthEnv(databaseUrl), 'dev')
    const base = server.base
    const dave = { cookie: await signUp(base, 'dave') }
    const eve = { cookie: await signUp(base, 'eve') }
    const checkout = await post(base, '/api/checkout', dave, { packId: 'pack-5' })
    expect(checkout.status).toBe(200)
    const { url } = (await checkout.json()) as { url: string }
    const page = new URL(url).pathname + new URL(url).search
    expect(page).toMatch(/^\/checkout\/dev\?session_id=cs_/)
    const html = await (await get(base, page, dave)).text()
    expect(html).toContain('Pay (development)')
    // Another account cannot open dave's session (inside Suspense, notFound() streams in a 200 shell).
    const other = await (await get(base, page, eve)).text()
    expect(other).not.toContain('Pay (development)')
    expect(other).toContain('NEXT_HTTP_ERROR_FALLBACK;404')
    // What a browser without JavaScript sends when "Pay" is pressed: the form's hidden fields.
    const form = new FormData()
    for (const [, name = '', value = ''] of html.matchAll(
      /<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g,
    )) {
      form.append(name, value)
    }
    expect([...form.keys()]).toContain('session_id')
    const paid = await fetch(`${base}${page}`, {
      method: 'POST',
      headers: { cookie: dave.cookie, origin: base },
      body: form,
      redirect: 'manual',
    })
    expect(paid.status).toBe(303)
    expect(await balanceOf(base, dave)).toBe(1000 + 5000)
    expect(await (await get(base, page, dave)).text()).toContain('Paid: the credits are on your account.')
  })
})
