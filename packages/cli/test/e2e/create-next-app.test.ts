import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBin, get, nextStart, npmInstall, post, step, workspaceOutside } from './apps.js'

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

describe(`metered init on a fresh ${CREATE_NEXT_APP} (npm, packed tarballs, next build, next start)`, () => {
  let app = ''
  let server: { base: string; stop(): Promise<void> } | null = null
  let firstRun = ''
  let secondRun = ''

  beforeAll(async () => {
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
    await npmInstall(app, [...tarballs, 'stripe'])
    firstRun = await step(app, process.execPath, [cliBin, 'init', '--yes', '--db', 'memory'])
    secondRun = await step(app, process.execPath, [cliBin, 'init', '--yes', '--db', 'memory'])
    for (const [file, text] of Object.entries(HAND_WRITTEN)) {
      await mkdir(dirname(join(app, file)), { recursive: true })
      await writeFile(join(app, file), text)
    }
    await step(app, process.execPath, [join(app, 'node_modules/next/dist/bin/next'), 'build'])
    server = await nextStart(app, { METERED_DEV_IDENTITY: '1' })
  })

  afterAll(async () => {
    await server?.stop()
    if (app && process.env.METERED_E2E_KEEP !== '1') await rm(dirname(app), { recursive: true, force: true })
  })

  it('writes the integration once, edits the layout, and a second run changes nothing', async () => {
    expect(firstRun).toContain('created    lib/metered.ts')
    expect(firstRun).toContain('created    app/api/credits/[...route]/route.ts')
    expect(firstRun).toContain('edited     app/layout.tsx')
    expect(secondRun).toContain('Nothing to do: metered is already set up here.')
    expect(secondRun).not.toMatch(/created|updated|edited/)
    const layout = await readFile(join(app, 'app/layout.tsx'), 'utf8')
    expect(layout).toContain('<MeteredProvider>')
  })

  it('answers 401 to a caller without a session', async () => {
    const res = await post(server!.base, '/api/demo', null)
    expect(res.status).toBe(401)
  })

  it('charges the signup credits down, then answers 402', async () => {
    const base = server!.base
    expect((await post(base, '/api/demo', 'alice')).status).toBe(200)
    expect((await post(base, '/api/demo', 'alice')).status).toBe(200)
    const refused = await post(base, '/api/demo', 'alice')
    expect(refused.status).toBe(402)
    expect(await refused.json()).toMatchObject({ required: 400, available: 200 })
    const balance = await get(base, '/api/credits/balance', 'alice')
    expect(await balance.json()).toMatchObject({ account: 'alice', available: 200, held: 0 })
  })

  it('answers 429 past the burst limit (10 at once), with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 16 }, () => post(server!.base, '/api/ping', 'bob')))
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
    const res = await post(server!.base, '/api/checkout', 'carol', { packId: 'pack-5' })
    expect(res.status).toBe(503)
  })

  it('sells a credit pack through the dev checkout page (next dev, no Stripe keys): the signed webhook grants it', async () => {
    await server?.stop()
    server = await nextStart(app, { METERED_DEV_IDENTITY: '1' }, 'dev')
    const base = server.base
    const checkout = await post(base, '/api/checkout', 'dave', { packId: 'pack-5' })
    expect(checkout.status).toBe(200)
    const { url } = (await checkout.json()) as { url: string }
    const page = new URL(url).pathname + new URL(url).search
    expect(page).toMatch(/^\/checkout\/dev\?session_id=cs_/)
    const html = await (await get(base, page, 'dave')).text()
    expect(html).toContain('Pay (development)')
    // Another account cannot open dave's session (inside Suspense, notFound() streams in a 200 shell).
    const other = await (await get(base, page, 'eve')).text()
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
      headers: { 'x-metered-dev-user': 'dave', origin: base },
      body: form,
      redirect: 'manual',
    })
    expect(paid.status).toBe(303)
    const balance = (await (await get(base, '/api/credits/balance', 'dave')).json()) as { available: number }
    expect(balance.available).toBe(1000 + 5000)
    expect(await (await get(base, page, 'dave')).text()).toContain('Paid: the credits are on your account.')
  })
})
