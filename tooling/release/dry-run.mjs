/**
 * The release workflow, rehearsed without publishing and without touching the checkout
 * (`.ci/run` step "release dry run"):
 * 1. `changeset status`: the pending changesets parse and name only known packages;
 * 2. `changeset version` in a scratch copy of the repository: every published package gets the
 *    same new version (they are one fixed group) and a CHANGELOG.md;
 * 3. `npm publish --dry-run` of each packed tarball, as the workflow publishes them.
 * The checkout's `git status` must be the same before and after.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { packPublished } from './check-packages.mjs'
import { publishedDirs, root } from './metadata.mjs'

const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js')
const failures = []

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`
  return { ok: r.status === 0, out }
}

function step(name, fn) {
  console.log(`--- ${name}`)
  try {
    const problems = fn() ?? []
    for (const p of problems) console.log(`    FAIL ${p}`)
    if (problems.length > 0) failures.push(name)
  } catch (error) {
    console.log(`    FAIL ${error.message}`)
    failures.push(name)
  }
}

const gitStatus = () => execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })
const before = gitStatus()
const scratch = mkdtempSync(join(tmpdir(), 'metered-release-dry-run-'))

try {
  const copy = join(scratch, 'repo')
  // the checkout without installs and build output: what `changeset version` reads and writes
  cpSync(root, copy, {
    recursive: true,
    filter: (src) => !/(^|\/)(node_modules|dist|\.next|reports|\.turbo)(\/|$)/.test(relative(root, src)),
  })

  step('changeset status', () => {
    const r = sh(process.execPath, [changeset, 'status', '--verbose'], copy)
    console.log(
      r.out
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    )
    return r.ok ? [] : ['changeset status failed']
  })

  step('changeset version (scratch copy)', () => {
    const r = sh(process.execPath, [changeset, 'version'], copy)
    if (!r.ok) return [`changeset version failed:\n${r.out}`]
    const problems = []
    const versions = new Set()
    for (const dir of publishedDirs()) {
      const pkg = JSON.parse(readFileSync(join(copy, 'packages', dir, 'package.json'), 'utf8'))
      const was = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).version
      versions.add(pkg.version)
      console.log(`    ${pkg.name}: ${was} -> ${pkg.version}`)
      if (pkg.version === was) problems.push(`${pkg.name} kept version ${was}`)
      if (!existsSync(join(copy, 'packages', dir, 'CHANGELOG.md'))) problems.push(`${pkg.name} has no CHANGELOG.md`)
    }
    if (versions.size > 1) problems.push(`the fixed group split into versions ${[...versions].join(', ')}`)
    const left = sh('ls', [join(copy, '.changeset')], copy)
      .out.split('\n')
      .filter((f) => f.endsWith('.md'))
    if (left.some((f) => f !== 'README.md')) problems.push(`changesets left after version: ${left.join(', ')}`)
    return problems
  })

  mkdirSync(join(scratch, 'pack'))
  const packed = await packPublished(join(scratch, 'pack')).catch((error) => {
    step('pack', () => {
      throw error
    })
    return []
  })
  for (const { name, tarball } of packed) {
    step(`npm publish --dry-run ${name}`, () => {
      const r = sh('npm', ['publish', '--dry-run', '--provenance=false', tarball], scratch)
      const line = r.out.split('\n').find((l) => l.startsWith('+ '))
      if (line) console.log(`    ${line}`)
      return r.ok ? [] : [`npm publish --dry-run failed:\n${r.out}`]
    })
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

step('the checkout is untouched', () => {
  const after = gitStatus()
  return after === before ? [] : [`git status changed:\n--- before\n${before}--- after\n${after}`]
})

if (failures.length > 0) {
  console.log(`release dry run FAILED: ${failures.join(', ')}`)
  process.exit(1)
}
console.log('release dry run ok')
