import { spawnSync } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createNextAppTsconfig } from '@metered/tooling/next-tsconfig'
import { describe, expect, it } from 'vitest'
import { editAuthModule, glueImport } from '../src/auth-edit.js'
import { type Choices, planFiles, templateChoices } from '../src/plan.js'
import { render, rewriteImports } from '../src/render.js'
import { AUTHJS, BETTER_AUTH } from './make-app.js'

const templates = fileURLToPath(new URL('../templates/', import.meta.url))
// Inside the package, so the generated imports resolve to its devDependencies (the workspace builds).
const work = fileURLToPath(new URL('./.typecheck-work/', import.meta.url))
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url))

/**
 * The app's own auth module for each sign-in library, as its docs write it, with the real library
 * (better-auth, next-auth v4, and Auth.js v5 as `next-auth-v5`); init then inserts its glue.
 */
const AUTH_MODULES: Record<string, Record<string, string>> = {
  'next-auth': {
    'lib/auth.ts':
      "import type { AuthOptions } from 'next-auth'\nexport const authOptions: AuthOptions = { providers: [] }\n",
  },
  authjs: { 'auth.ts': AUTHJS },
  'better-auth': { 'lib/auth.ts': BETTER_AUTH },
  none: {},
}

/** Auth.js v5 is installed as `next-auth-v5` beside v4: its project maps `next-auth` there. */
const nextAuthV5 = fileURLToPath(new URL('../node_modules/next-auth-v5', import.meta.url))

/**
 * `noUnusedLocals`: Next 15 runs ESLint in `next build`, and create-next-app's config
 * (`next/typescript`) fails the build on an unused import or variable.
 */
function tsconfig(include: string[], paths: Record<string, string[]> = {}) {
  return JSON.stringify(
    createNextAppTsconfig(16, { compilerOptions: { types: ['node'], paths, noUnusedLocals: true }, include }),
  )
}

/** `any` in a type position: `next/typescript`'s `no-explicit-any` fails a Next 15 `next build` on it. */
const EXPLICIT_ANY = /(:\s*any\b|<any[,>]|\bas any\b|\bany\[\])/

/** Every auth once, every database once, Upstash and Stripe both ways. */
const COMBINATIONS: Choices[] = [
  { auth: 'none', db: 'memory', redis: 'none', stripe: true },
  { auth: 'next-auth', db: 'postgres', redis: 'upstash', stripe: true },
  { auth: 'authjs', db: 'pglite', redis: 'none', stripe: false },
  { auth: 'better-auth', db: 'postgres', redis: 'none', stripe: true },
]

const dirOf = (c: Choices) => `${c.auth}-${c.db}-${c.redis}${c.stripe ? '-stripe' : ''}`

describe('templates', () => {
  it('type-check as the app gets them, for every auth and database (strict, as create-next-app writes tsconfig)', async () => {
    await rm(work, { recursive: true, force: true })
    for (const choices of COMBINATIONS) {
      const dir = join(work, dirOf(choices))
      const files: Record<string, string> = {}
      for (const [path, text] of Object.entries(AUTH_MODULES[choices.auth] ?? {})) {
        const glue = glueImport(choices.auth)
        const edit = glue ? editAuthModule(text, choices.auth, rewriteImports(glue, path, null)) : null
        if (glue && edit?.kind !== 'insert') throw new Error(`${path}: init would not insert its glue (${edit?.kind})`)
        files[path] = edit?.kind === 'insert' ? edit.text : text
      }
      for (const planned of planFiles(choices)) {
        const template = await readFile(join(templates, planned.template), 'utf8')
        // relative imports: one tsc run checks every combination side by side
        files[planned.file] = render(template, {
          file: planned.file,
          choices: templateChoices(choices),
          alias: null,
        })
      }
      for (const [path, text] of Object.entries(files)) {
        const code = text.replace(/\/\/.*$/gm, '')
        expect(EXPLICIT_ANY.exec(code)?.[0], `${dirOf(choices)}/${path}: an explicit any`).toBeUndefined()
        await mkdir(dirname(join(dir, path)), { recursive: true })
        await writeFile(join(dir, path), text)
      }
    }
    await writeFile(join(work, 'next-env.d.ts'), '/// <reference types="next" />\n')
    // Auth.js v5 in a project of its own (its `next-auth` is v5); the rest in one.
    const authjs = COMBINATIONS.filter((c) => c.auth === 'authjs').map(dirOf)
    await writeFile(
      join(work, 'tsconfig.json'),
      tsconfig(['next-env.d.ts', ...COMBINATIONS.filter((c) => c.auth !== 'authjs').map((c) => `${dirOf(c)}/**/*`)]),
    )
    await writeFile(
      join(work, 'tsconfig.authjs.json'),
      tsconfig(['next-env.d.ts', ...authjs.map((d) => `${d}/**/*`)], {
        'next-auth': [nextAuthV5],
        'next-auth/*': [`${nextAuthV5}/*`],
      }),
    )
    for (const project of ['tsconfig.json', 'tsconfig.authjs.json']) {
      const result = spawnSync(process.execPath, [tsc, '-p', join(work, project)], { encoding: 'utf8' })
      expect(result.stdout + result.stderr, project).toBe('')
      expect(result.status).toBe(0)
    }
  }, 180_000)
})
