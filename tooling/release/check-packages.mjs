/**
 * `pnpm check:packages` (after each package's publint + attw): packs every published package as
 * the registry will receive it and refuses a tarball that is not ready to be trusted:
 * - package.json carries the metadata of tooling/release/metadata.mjs (repository with its
 *   directory, homepage, bugs, keywords, license, engines) and no `workspace:` range;
 * - LICENSE, README.md and package.json are in it; no sources, tests or TS configs;
 * - the testing kit of @metered/core ships as ESM only, without source maps (it runs only
 *   under vitest, which refuses `require`);
 * - every link of the README is absolute (the registry page cannot follow `../../docs`) and
 *   every link into this repository points at BLOB.
 * Prints one line per package, every problem found, and exits 1 on any.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { pack } from '../pack.mjs'
import { BLOB, GITHUB, metadataOf, publishedDirs, root } from './metadata.mjs'

/** Paths that never belong in a tarball (relative to the package root). */
const FORBIDDEN = [
  [/^src\//, 'sources'],
  [/(^|\/)test\//, 'tests'],
  [/\.(test|spec)\.[cm]?[jt]sx?$/, 'a test file'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a TS config'],
  [/(^|\/)(tsup|vitest)[^/]*\.config\.[cm]?[jt]s$/, 'a build or test config'],
  [/(^|\/)\.env/, 'an env file'],
]

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => String(f))
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort()
}

/** Markdown link and image targets, `[text](target)`, outside fenced code blocks. */
export function linkTargets(markdown) {
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '')
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1])
}

/** The problems of one unpacked package (`dir` holds what the tarball's `package/` held). */
export function problemsOf(pkgDir, dir) {
  const problems = []
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  for (const [key, want] of Object.entries(metadataOf(pkgDir))) {
    if (!isDeepStrictEqual(pkg[key], want)) {
      problems.push(`package.json ${key} is ${JSON.stringify(pkg[key])}, expected ${JSON.stringify(want)}`)
    }
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still ${range}`)
    }
  }
  const list = files(dir)
  for (const need of ['LICENSE', 'README.md', 'package.json']) {
    if (!list.includes(need)) problems.push(`${need} is missing from the tarball`)
  }
  for (const file of list) {
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(file)) problems.push(`${file} is ${what}: it must not ship`)
    }
    if (pkgDir === 'core' && /^dist\/testing\/.*\.(cjs|d\.cts|map)$/.test(file)) {
      problems.push(`${file}: the testing kit ships as ESM only, without source maps`)
    }
  }
  if (list.includes('README.md')) {
    for (const target of linkTargets(readFileSync(join(dir, 'README.md'), 'utf8'))) {
      if (!/^(https:\/\/|mailto:|#)/.test(target)) {
        problems.push(`README.md links to "${target}": write it absolute (${BLOB}/...)`)
      } else if (/^https:\/\/github\.com\/[^/]+\/metered\//.test(target) && !target.startsWith(`${GITHUB}/`)) {
        problems.push(`README.md links to "${target}": this repository is ${GITHUB}`)
      }
    }
  }
  return problems
}

/** Packs every published package into `work`; [{ dir, tarball, unpacked }]. */
export async function packPublished(work) {
  const dirs = publishedDirs()
  const tarballs = await pack(work, dirs)
  return dirs.map((dir) => {
    const name = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).name
    const base = `${name.replace(/^@/, '').replace('/', '-')}-`
    const tarball = tarballs.find((t) => relative(join(work, 'tarballs'), t).startsWith(base))
    if (!tarball) throw new Error(`no tarball for ${name} in ${join(work, 'tarballs')}`)
    const unpacked = join(work, 'unpacked', dir)
    mkdirSync(unpacked, { recursive: true })
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'])
    return { dir, name, tarball, unpacked }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = mkdtempSync(join(tmpdir(), 'metered-check-packages-'))
  let failed = 0
  try {
    for (const { dir, name, tarball, unpacked } of await packPublished(work)) {
      const problems = problemsOf(dir, unpacked)
      const size = statSync(tarball).size
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${name} (${(size / 1024).toFixed(1)} kB packed)`)
      for (const p of problems) console.log(`     - ${p}`)
      failed += problems.length
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  if (failed > 0) {
    console.log(`${failed} problem(s): see above`)
    process.exit(1)
  }
}
