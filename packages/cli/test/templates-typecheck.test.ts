import { spawnSync } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createNextAppTsconfig } from '@metered/tooling/next-tsconfig'
import { describe, expect, it } from 'vitest'
import { type Choices, planFiles } from '../src/plan.js'
import { render } from '../src/render.js'

const templates = fileURLToPath(new URL('../templates/', import.meta.url))
// Inside the package, so the generated imports resolve to its devDependencies (the workspace builds).
const work = fileURLToPath(new URL('./.typecheck-work/', import.meta.url))
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url))

/** The app modules the generated code imports for each auth: minimal stand-ins with the libraries' shapes. */
const STUBS: Record<string, Record<string, string>> = {
  'next-auth': {
    'lib/auth.ts':
      "import type { AuthOptions } from 'next-auth'\nexport const authOptions: AuthOptions = { providers: [] }\n",
  },
  authjs: {
    'auth.ts':
      "import type { Session } from 'next-auth'\nexport async function auth(): Promise<Session | null> { return null }\n",
  },
  'better-auth': {
    'lib/auth.ts':
      'export const auth = { api: { async getSession(_: { headers: Headers }): Promise<{ user: { id: string; email: string } } | null> { return null } } }\n',
  },
  none: {},
}

/** Every auth once, every database once, Upstash and Stripe both ways. */
const COMBINATIONS: Choices[] = [
  { auth: 'none', db: 'memory', redis: 'none', stripe: true },
  { auth: 'next-auth', db: 'postgres', redis: 'upstash', stripe: true },
  { auth: 'authjs', db: 'pglite', redis: 'none', stripe: false },
  { auth: 'better-auth', db: 'postgres', redis: 'none', stripe: true },
]

describe('templates', () => {
  it('type-check as the app gets them, for every auth and database (strict, as create-next-app writes tsconfig)', async () => {
    await rm(work, { recursive: true, force: true })
    for (const choices of COMBINATIONS) {
      const dir = join(work, `${choices.auth}-${choices.db}-${choices.redis}${choices.stripe ? '-stripe' : ''}`)
      const files: Record<string, string> = { ...STUBS[choices.auth] }
      for (const planned of planFiles(choices)) {
        const template = await readFile(join(templates, planned.template), 'utf8')
        // relative imports: one tsc run checks every combination side by side
        files[planned.file] = render(template, {
          file: planned.file,
          choices: { auth: choices.auth, db: choices.db, redis: choices.redis },
          alias: null,
        })
      }
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), text)
      }
    }
    await writeFile(join(work, 'next-env.d.ts'), '/// <reference types="next" />\n')
    await writeFile(
      join(work, 'tsconfig.json'),
      JSON.stringify(createNextAppTsconfig(16, { compilerOptions: { types: ['node'] } })),
    )
    const result = spawnSync(process.execPath, [tsc, '-p', work], { encoding: 'utf8' })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  }, 180_000)
})
