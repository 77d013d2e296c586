#!/usr/bin/env node
/**
 * The API reference: TypeDoc over every public entry of the published packages (typedoc.json at
 * the root, one typedoc.json per package listing its entries), written as Markdown into docs/api/.
 * A public export without a doc comment, or an optional option without its default
 * (require-defaults.mjs), is a warning, and warnings fail the run.
 *
 * Usage: pnpm docs:api (builds the packages first; writes docs/api/, commit it with the change)
 *        pnpm check:docs-api (writes into a scratch directory and fails when docs/api/ differs)
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const committed = join(root, 'docs', 'api')
const check = process.argv.includes('--check')
const out = check ? mkdtempSync(join(tmpdir(), 'metered-api-docs-')) : committed

/** Every file under dir, as paths relative to it. */
function filesOf(dir) {
  if (!existsSync(dir)) return []
  const found = []
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else found.push(relative(dir, p))
    }
  }
  walk(dir)
  return found.sort()
}

if (!check) rmSync(committed, { recursive: true, force: true })
const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')
const result = spawnSync(process.execPath, [typedoc, '--options', join(root, 'typedoc.json'), '--out', out], {
  cwd: root,
  stdio: 'inherit',
})
if (result.status !== 0) {
  console.error(
    '[docs:api] TypeDoc failed: document every export it names (a /** comment */), and give every optional option its default (@defaultValue or "Default: ...")',
  )
  process.exit(result.status ?? 1)
}

if (check) {
  const want = filesOf(out)
  const have = filesOf(committed)
  const differ = [
    ...want.filter((f) => !have.includes(f)).map((f) => `missing: docs/api/${f}`),
    ...have.filter((f) => !want.includes(f)).map((f) => `stale: docs/api/${f}`),
    ...want
      .filter((f) => have.includes(f))
      .filter((f) => readFileSync(join(out, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'))
      .map((f) => `changed: docs/api/${f}`),
  ]
  rmSync(out, { recursive: true, force: true })
  if (differ.length > 0) {
    console.error(`[docs:api] docs/api/ is not current (${differ.length} files); run pnpm docs:api and commit:`)
    for (const line of differ.slice(0, 40)) console.error(`  ${line}`)
    process.exit(1)
  }
  console.log(`[docs:api] docs/api/ is current (${want.length} files)`)
} else {
  console.log(`[docs:api] wrote ${filesOf(committed).length} files to docs/api/`)
}
