#!/usr/bin/env node
/**
 * Every supported Next.js, as a user installs it: packs @metered/core, @metered/next and
 * @metered/postgres (their built dist) into tarballs, then for each version in versions.mjs
 * creates a small app in a temp dir outside the workspace (create-next-app's strict tsconfig; one
 * route file per wrapper and route factory, on the Postgres stores over PGlite, with the
 * `lib/db.ts` and `instrumentation.ts` of docs/getting-started.md and the next.config those docs
 * ask for), installs the tarballs, that Next/React and the docs' kysely, PGlite and pg with npm,
 * and runs `next build` (which type-checks the routes against Next's own generated route checks),
 * `next start` with a few requests (serve.mjs), and `tsc --noEmit` (which compiles those
 * generated checks as well). Exits non-zero when any version fails any of them.
 *
 * Usage: pnpm check:next-matrix (builds the packages first), or
 *   node tooling/next-matrix/run.mjs [next versions or ids...]   e.g. 15.2.9-react18 16.4.6 (default: all)
 * NEXT_MATRIX_KEEP=1 keeps the temp dir (it is always kept when a version fails).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pack, root, run as runLogged, why } from '../pack.mjs'
import { serve } from './serve.mjs'
import { nextConfigs, tsconfigs, versions } from './versions.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const packages = ['core', 'next', 'postgres']

/** The files of docs/getting-started.md the app takes verbatim, by the path their block names. */
const fromDocs = ['lib/db.ts', 'instrumentation.ts']

/**
 * Each file of `fromDocs` as getting-started.md writes it: the ```ts block whose first line is
 * `// <path>`. The app tests the docs' own code, so a change to the docs is a change to the app.
 */
async function docsFiles() {
  const doc = await readFile(join(root, 'docs', 'getting-started.md'), 'utf8')
  const blocks = [...doc.matchAll(/^```ts\n(\/\/ ([^\s:]+)[^\n]*\n[\s\S]*?)^```$/gm)]
  return fromDocs.map((path) => {
    const block = blocks.find((b) => b[2] === path)
    if (!block) throw new Error(`docs/getting-started.md has no \`\`\`ts block starting with // ${path}`)
    return { path, text: block[1] }
  })
}

const run = (cmd, args, options) => runLogged(cmd, args, { ...options, label: 'next-matrix' })

/** One version: app, npm install, next build, tsc. Returns the failures (empty when green). */
async function check(dir, version, tarballs, files) {
  const app = join(dir, `next-${version.id ?? version.next}`)
  const log = join(app, 'matrix.log')
  await cp(join(here, 'app'), app, { recursive: true })
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: `metered-next-${version.id ?? version.next}`, version: '0.0.0', private: true }, null, 2)}\n`,
  )
  await writeFile(join(app, 'tsconfig.json'), `${JSON.stringify(tsconfigs[version.major], null, 2)}\n`)
  await writeFile(join(app, 'next.config.mjs'), nextConfigs[version.major])
  for (const { path, text } of files) await writeFile(join(app, path), text)

  const deps = [
    ...tarballs,
    `next@${version.next}`,
    `react@${version.react}`,
    `react-dom@${version.react}`,
    'zod@^4',
    // what getting-started.md's step 1 installs beside the three packages (lib/db.ts imports both drivers)
    'kysely',
    '@electric-sql/pglite',
    'pg',
    '@types/pg',
    'typescript@^5',
    '@types/node@^20',
    `@types/react@${version.types}`,
    `@types/react-dom@${version.types}`,
  ]
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...deps], {
    cwd: app,
    log,
  })
  if (install.code !== 0) return [`npm install failed:\n${why(install.text)}`]

  const failures = []
  const next = join(app, 'node_modules', 'next', 'dist', 'bin', 'next')
  const build = await run(process.execPath, [next, 'build'], { cwd: app, log })
  if (build.code !== 0) failures.push(`next build failed:\n${why(build.text)}`)
  else for (const failure of await serve(app, log)) failures.push(`next start: ${failure}`)
  // after the build, so that the route checks Next generated into .next/types are compiled too
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc')
  const types = await run(process.execPath, [tsc, '--noEmit', '-p', '.'], { cwd: app, log })
  if (types.code !== 0) failures.push(`tsc --noEmit failed:\n${why(types.text)}`)
  return failures
}

async function main() {
  const wanted = process.argv.slice(2)
  const chosen = wanted.length > 0 ? versions.filter((v) => wanted.includes(v.id ?? v.next)) : versions
  if (chosen.length === 0) throw new Error(`no such version in versions.mjs: ${wanted.join(', ')}`)
  const dir = await mkdtemp(join(tmpdir(), 'metered-next-matrix-'))
  console.log(`[next-matrix] working in ${dir}`)
  const files = await docsFiles()
  const tarballs = await pack(dir, packages)
  console.log(`[next-matrix] packed ${tarballs.map((t) => basename(t)).join(', ')}`)

  const results = []
  for (const version of chosen) {
    const started = Date.now()
    console.log(
      `[next-matrix] next@${version.next} + react@${version.react}: install, next build, next start, tsc --noEmit`,
    )
    const failures = await check(dir, version, tarballs, files)
    const took = Math.round((Date.now() - started) / 1000)
    results.push({ version, failures })
    const name = `next@${version.next} + react@${version.react}`
    if (failures.length === 0) console.log(`[next-matrix] ${name}: ok (${took}s)`)
    else {
      console.log(`[next-matrix] ${name}: FAILED (${took}s)`)
      for (const f of failures) console.log(f.replace(/^/gm, '    '))
      console.log(`    full log: ${join(dir, `next-${version.id ?? version.next}`, 'matrix.log')}`)
    }
  }

  const failed = results.filter((r) => r.failures.length > 0)
  console.log(`[next-matrix] ${results.length - failed.length} passed, ${failed.length} failed`)
  if (failed.length === 0 && process.env.NEXT_MATRIX_KEEP !== '1') await rm(dir, { recursive: true, force: true })
  process.exitCode = failed.length === 0 ? 0 : 1
}

main().catch((error) => {
  console.error(`[next-matrix] ${error instanceof Error ? error.message : error}`)
  process.exitCode = 1
})
