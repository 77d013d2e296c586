import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { init } from '../src/init.js'
import type { InitOptions } from '../src/options.js'
import { LAYOUT, makeApp, nextApp, recordingIo, removeApps } from './make-app.js'

afterAll(removeApps)

const options = (dir: string, more: Partial<InitOptions> = {}): InitOptions => ({
  dir,
  yes: true,
  dryRun: false,
  install: false,
  db: 'memory',
  ...more,
})

/** Every file under root with its text, for before/after comparisons. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    out[path.slice(root.length + 1)] = await readFile(path, 'utf8')
  }
  return out
}

describe('metered init', () => {
  it('writes the integration: lib, the three route factories, checkout, webhook, dev checkout, layout', async () => {
    const root = await nextApp()
    const result = await init(options(root), recordingIo())
    expect(result.created.sort()).toEqual(
      [
        'app/api/admin/[...route]/route.ts',
        'app/api/checkout/route.ts',
        'app/api/credits/[...route]/route.ts',
        'app/api/profile/[[...route]]/route.ts',
        'app/api/webhooks/stripe/route.ts',
        'app/buy-credits/page.tsx',
        'app/checkout/dev/page.tsx',
        'lib/metered-stores.ts',
        'lib/metered-stripe.ts',
        'lib/metered.ts',
      ].sort(),
    )
    expect(result.layout).toBe('inserted')
    const metered = await readFile(join(root, 'lib/metered.ts'), 'utf8')
    expect(metered).toMatch(/^\/\/ @metered-generated [0-9a-f]{12}:/)
    expect(metered).toContain("from '@/lib/metered-stores'")
    expect(metered).not.toContain('#if')
    expect(await readFile(join(root, 'app/layout.tsx'), 'utf8')).toContain('<CreditDisplay />')
  })

  it('on PGlite, keeps the package out of the server bundle in next.config, once', async () => {
    const config =
      'import type { NextConfig } from "next";\n\nconst nextConfig: NextConfig = {\n  /* config options here */\n};\n\nexport default nextConfig;\n'
    const root = await nextApp({ 'next.config.ts': config })
    const result = await init(options(root, { db: 'pglite' }), recordingIo())
    expect(result.nextConfig).toBe('inserted')
    const edited = await readFile(join(root, 'next.config.ts'), 'utf8')
    expect(edited).toContain("serverExternalPackages: ['@electric-sql/pglite'],")
    const io = recordingIo()
    const second = await init(options(root, { db: 'pglite' }), io)
    expect(second.nextConfig).toBe('present')
    expect(await readFile(join(root, 'next.config.ts'), 'utf8')).toBe(edited)
    expect(io.text()).toContain('Nothing to do: metered is already set up here.')
  })

  it('on PGlite without a next.config, writes one; without --yes and a terminal, only prints the line', async () => {
    const bare = await nextApp()
    expect((await init(options(bare, { db: 'pglite' }), recordingIo())).nextConfig).toBe('created')
    expect(await readFile(join(bare, 'next.config.mjs'), 'utf8')).toContain(
      "serverExternalPackages: ['@electric-sql/pglite']",
    )
    const config = 'const nextConfig = {\n  devIndicators: false,\n};\nexport default nextConfig;\n'
    const asked = await nextApp({ 'next.config.mjs': config })
    const io = recordingIo()
    const result = await init(options(asked, { db: 'pglite', yes: false }), io)
    expect(result.nextConfig).toBe('printed')
    expect(await readFile(join(asked, 'next.config.mjs'), 'utf8')).toBe(config)
    expect(io.text()).toContain("serverExternalPackages: ['@electric-sql/pglite'],")
  })

  it('leaves next.config alone on a server database', async () => {
    const root = await nextApp({ 'next.config.mjs': 'export default {}\n' })
    expect((await init(options(root, { db: 'postgres' }), recordingIo())).nextConfig).toBe('none')
    expect(await readFile(join(root, 'next.config.mjs'), 'utf8')).toBe('export default {}\n')
  })

  it('is idempotent: a second run writes nothing and says so', async () => {
    const root = await nextApp()
    await init(options(root), recordingIo())
    const before = await snapshot(root)
    const io = recordingIo()
    const second = await init(options(root), io)
    expect(await snapshot(root)).toEqual(before)
    expect(second.created).toEqual([])
    expect(second.updated).toEqual([])
    expect(second.layout).toBe('present')
    expect(io.text()).toContain('Nothing to do: metered is already set up here.')
  })

  it('--dry-run prints a unified diff of every change and writes nothing', async () => {
    const root = await nextApp()
    const before = await snapshot(root)
    const io = recordingIo()
    const result = await init(options(root, { dryRun: true }), io)
    expect(await snapshot(root)).toEqual(before)
    expect(result.wroteNothing).toBe(true)
    expect(io.text()).toContain('--- /dev/null\n+++ b/lib/metered.ts\n@@ -0,0 +1,')
    expect(io.text()).toContain('--- a/app/layout.tsx\n+++ b/app/layout.tsx')
    expect(io.text()).toContain("+import { CreditDisplay, MeteredProvider } from '@metered/next/react';")
    expect(io.text()).toContain('Dry run: nothing was written.')
  })

  it("never overwrites the user's own file without asking: kept with --yes and without a terminal", async () => {
    const mine = 'export const metered = "my own"\n'
    const root = await nextApp({ 'lib/metered.ts': mine })
    const withYes = await init(options(root), recordingIo())
    expect(withYes.kept).toEqual(['lib/metered.ts'])
    const noTty = await init(options(root, { yes: false }), recordingIo(null))
    expect(noTty.kept).toEqual(['lib/metered.ts'])
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toBe(mine)
  })

  it('asks before replacing a file of the user, and replaces it only on yes', async () => {
    const root = await nextApp({ 'lib/metered.ts': 'export {}\n' })
    const no = recordingIo(false)
    await init(options(root, { yes: false }), no)
    expect(no.questions).toContain('lib/metered.ts is yours: replace it with the diff above?')
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toBe('export {}\n')
    await init(options(root, { yes: false }), recordingIo(true))
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toContain('@metered-generated')
  })

  it('--yes never clobbers a generated file the user edited since, but updates an untouched one', async () => {
    const root = await nextApp()
    await init(options(root), recordingIo())
    const edited = (await readFile(join(root, 'lib/metered.ts'), 'utf8')).replace(
      'export const metered =',
      '// tuned by hand\nexport const metered =',
    )
    expect(edited).toContain('tuned by hand')
    await writeFile(join(root, 'lib/metered.ts'), edited)
    // another database: both store files would change; only the untouched one may
    const result = await init(options(root, { db: 'postgres' }), recordingIo())
    expect(result.kept).toEqual(['lib/metered.ts'])
    expect(result.updated).toContain('lib/metered-stores.ts')
    expect(result.created).toContain('instrumentation.ts')
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toBe(edited)
    expect(await readFile(join(root, 'lib/metered-stores.ts'), 'utf8')).toContain("from '@metered/postgres'")
  })

  it("keeps the app's own instrumentation.ts and prints the lines register() needs", async () => {
    const mine = 'export async function register() {}\n'
    const root = await nextApp({ 'instrumentation.ts': mine })
    const io = recordingIo()
    const result = await init(options(root, { db: 'postgres' }), io)
    expect(result.kept).toEqual(['instrumentation.ts'])
    expect(await readFile(join(root, 'instrumentation.ts'), 'utf8')).toBe(mine)
    expect(io.text()).toContain("const { warmUp } = await import('./lib/metered-stores')")
  })

  it('leaves an unrecognisable layout alone and prints the lines to add', async () => {
    const layout = 'export { default } from "../components/layout"\n'
    const root = await nextApp({ 'app/layout.tsx': layout })
    const io = recordingIo()
    const result = await init(options(root), io)
    expect(result.layout).toBe('printed')
    expect(await readFile(join(root, 'app/layout.tsx'), 'utf8')).toBe(layout)
    expect(io.text()).toContain('<MeteredProvider>')
  })

  it('without --yes and without a terminal, does not edit the layout', async () => {
    const root = await nextApp()
    const result = await init(options(root, { yes: false }), recordingIo(null))
    expect(result.layout).toBe('printed')
    expect(await readFile(join(root, 'app/layout.tsx'), 'utf8')).toBe(LAYOUT)
    expect(result.created).toContain('lib/metered.ts')
  })

  it("with Stripe, a 402's buyUrl is the buy-credits page init writes; without Stripe there is none", async () => {
    const root = await nextApp()
    await init(options(root), recordingIo())
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toContain("buyUrl: '/buy-credits'")
    const page = await readFile(join(root, 'app/buy-credits/page.tsx'), 'utf8')
    expect(page).toContain('stripeCredits.packs')
    expect(page).toContain('<BuyCreditsButton')

    const bare = await nextApp()
    const result = await init(options(bare, { stripe: false }), recordingIo())
    expect(await readFile(join(bare, 'lib/metered.ts'), 'utf8')).not.toContain('buyUrl')
    expect(result.created).not.toContain('app/buy-credits/page.tsx')
  })

  it('prints the install line of exactly the packages the generated code imports and the app lacks', async () => {
    const root = await nextApp({}, { '@metered/core': 'file:x', stripe: '^18' })
    const io = recordingIo()
    await init(options(root, { db: 'postgres' }), io)
    expect(io.text()).toContain(
      'npm install @metered/next @metered/postgres kysely pg @metered/stripe && npm install -D @types/pg',
    )
    const noStripe = recordingIo()
    await init(options(await nextApp(), { stripe: false }), noStripe)
    expect(noStripe.text()).toContain('npm install @metered/core @metered/next\n')
  })

  it('writes imports relative to each file when the app has no alias, into src/ when the app uses it', async () => {
    const root = await nextApp()
    await writeFile(join(root, 'tsconfig.json'), '{"compilerOptions":{}}')
    await init(options(root, { auth: 'none' }), recordingIo())
    expect(await readFile(join(root, 'app/api/credits/[...route]/route.ts'), 'utf8')).toContain(
      "from '../../../../lib/metered'",
    )
    const src = await makeApp({
      'package.json': '{"dependencies":{"next":"^15"}}',
      'tsconfig.json': '{"compilerOptions":{"paths":{"@/*":["./src/*"]}}}',
      'src/app/layout.tsx': LAYOUT,
    })
    const result = await init(options(src), recordingIo())
    expect(result.created).toContain('src/lib/metered.ts')
    expect(existsSync(join(src, 'lib'))).toBe(false)
    expect(await readFile(join(src, 'src/app/api/admin/[...route]/route.ts'), 'utf8')).toContain("from '@/lib/metered'")
    expect(await readFile(join(src, 'src/app/layout.tsx'), 'utf8')).toContain('<MeteredProvider>')
  })
})
