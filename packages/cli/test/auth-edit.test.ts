import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { editAuthModule } from '../src/auth-edit.js'
import { init } from '../src/init.js'
import { AUTHJS, BETTER_AUTH, nextApp, recordingIo, removeApps } from './make-app.js'

afterAll(removeApps)

const IMPORT_PLUGIN = "import { meteredPlugin } from '@/lib/metered-auth'"
const IMPORT_CONFIG = "import { meteredAuthConfig } from '@/lib/metered-auth'"

/** The module minus the inserted lines: proves nothing of the user's was changed or lost. */
function withoutInsertion(text: string, name: string): string {
  return text
    .split('\n')
    .filter((l) => !l.includes(name))
    .join('\n')
}

describe('editAuthModule', () => {
  it('Better Auth: adds the import and `plugins: [meteredPlugin]`, changes no line', () => {
    const edit = editAuthModule(BETTER_AUTH, 'better-auth', IMPORT_PLUGIN)
    if (edit.kind !== 'insert') throw new Error(`expected an insert, got ${edit.kind}`)
    expect(edit.text).toContain(`import { Pool } from "pg";\n${IMPORT_PLUGIN};\n`)
    expect(edit.text).toContain('betterAuth({\n  plugins: [meteredPlugin],\n  database:')
    expect(withoutInsertion(edit.text, 'meteredPlugin')).toBe(BETTER_AUTH)
    expect(editAuthModule(edit.text, 'better-auth', IMPORT_PLUGIN)).toEqual({ kind: 'present' })
  })

  it("Better Auth: goes first into the app's own plugins list", () => {
    const text = BETTER_AUTH.replace('  emailAndPassword', '  plugins: [\n    nextCookies(),\n  ],\n  emailAndPassword')
    const edit = editAuthModule(text, 'better-auth', IMPORT_PLUGIN)
    if (edit.kind !== 'insert') throw new Error(`expected an insert, got ${edit.kind}`)
    expect(edit.text).toContain('  plugins: [\n    meteredPlugin,\n    nextCookies(),\n  ],')
    expect(withoutInsertion(edit.text, 'meteredPlugin')).toBe(text)
  })

  it('Better Auth: a module that calls meteredBetterAuth itself already has the glue', () => {
    const text = BETTER_AUTH.replace(
      '  emailAndPassword',
      '  plugins: [meteredBetterAuth({ metered })],\n  emailAndPassword',
    )
    expect(editAuthModule(text, 'better-auth', IMPORT_PLUGIN)).toEqual({ kind: 'present' })
  })

  it('Better Auth: a one-line plugins list is left to the user', () => {
    const text = BETTER_AUTH.replace('  emailAndPassword', '  plugins: [nextCookies()],\n  emailAndPassword')
    expect(editAuthModule(text, 'better-auth', IMPORT_PLUGIN).kind).toBe('manual')
  })

  it('Auth.js v5: spreads meteredAuthConfig first into NextAuth({ ... }), changes no line', () => {
    const edit = editAuthModule(AUTHJS, 'authjs', IMPORT_CONFIG)
    if (edit.kind !== 'insert') throw new Error(`expected an insert, got ${edit.kind}`)
    expect(edit.text).toContain(`${IMPORT_CONFIG}\n\nexport const`)
    expect(edit.text).toContain('NextAuth({\n  ...meteredAuthConfig,\n  providers: [GitHub],')
    expect(withoutInsertion(edit.text, 'meteredAuthConfig')).toBe(AUTHJS)
  })

  it('Auth.js v5: an app with callbacks of its own is left to the user (a spread would lose ours)', () => {
    const text = AUTHJS.replace(
      '  providers: [GitHub],',
      '  providers: [GitHub],\n  callbacks: { authorized: () => true },',
    )
    expect(editAuthModule(text, 'authjs', IMPORT_CONFIG)).toMatchObject({ kind: 'manual' })
  })
})

describe('metered init with a sign-in library', () => {
  it('Better Auth: writes lib/metered-auth.ts, wires the plugin into lib/auth.ts, and a second run changes nothing', async () => {
    const root = await nextApp({ 'lib/auth.ts': BETTER_AUTH }, { 'better-auth': '^1.7.0' })
    const io = recordingIo()
    const result = await init({ dir: root, yes: true, dryRun: false, install: false, db: 'memory' }, io)
    expect(result.created).toContain('lib/metered-auth.ts')
    expect(result.auth).toBe('inserted')
    expect(io.text()).toContain('edited     lib/auth.ts')
    expect(await readFile(join(root, 'lib/auth.ts'), 'utf8')).toContain('plugins: [meteredPlugin]')
    expect(await readFile(join(root, 'lib/metered.ts'), 'utf8')).toContain('betterAuthIdentify(auth)')
    const second = recordingIo()
    const again = await init({ dir: root, yes: true, dryRun: false, install: false, db: 'memory' }, second)
    expect(again.auth).toBe('present')
    expect(again.wroteNothing).toBe(true)
    expect(second.text()).toContain('Nothing to do')
  })

  it('Auth.js v5 without --yes and without a terminal: prints the step, edits nothing', async () => {
    const root = await nextApp({ 'auth.ts': AUTHJS }, { 'next-auth': '5.0.0-beta.32' })
    const io = recordingIo(null)
    const result = await init({ dir: root, yes: false, dryRun: false, install: false, db: 'memory' }, io)
    expect(result.auth).toBe('printed')
    expect(await readFile(join(root, 'auth.ts'), 'utf8')).toBe(AUTHJS)
    expect(io.text()).toContain('mergeAuthOptions(yourConfig, meteredAuthConfig)')
  })
})
