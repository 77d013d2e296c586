import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { linkTargets, problemsOf } from '../release/check-packages.mjs'
import { BLOB, metadataOf } from '../release/metadata.mjs'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** An unpacked tarball of packages/core holding `files` (path -> text). */
function unpacked(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'metered-package-check-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const goodPackageJson = JSON.stringify({
  name: '@metered/core',
  version: '0.1.0',
  ...metadataOf('core'),
  dependencies: { zod: '^4.1.0' },
})
const good = {
  'package.json': goodPackageJson,
  LICENSE: 'MIT',
  'README.md': `# core\nSee [the docs](${BLOB}/docs/adapters.md) and [below](#usage).\n`,
  'dist/index.js': '',
  'dist/testing/index.js': '',
  'dist/testing/index.d.ts': '',
}

describe('the tarball check', () => {
  it('passes a tarball with the metadata, LICENSE, README and absolute links', () => {
    expect(problemsOf('core', unpacked(good))).toEqual([])
  })

  it('refuses missing metadata and a workspace range', () => {
    const { repository, keywords, ...rest } = JSON.parse(goodPackageJson)
    const pkg = { ...rest, dependencies: { '@metered/core': 'workspace:*' } }
    const problems = problemsOf('core', unpacked({ ...good, 'package.json': JSON.stringify(pkg), LICENSE: '' }))
    expect(problems.some((p) => p.startsWith('package.json repository'))).toBe(true)
    expect(problems.some((p) => p.startsWith('package.json keywords'))).toBe(true)
    expect(problems).toContain('dependencies.@metered/core is still workspace:*')
  })

  it('refuses a tarball without LICENSE or README', () => {
    const { LICENSE, 'README.md': readme, ...rest } = good
    expect(problemsOf('core', unpacked(rest))).toEqual([
      'LICENSE is missing from the tarball',
      'README.md is missing from the tarball',
    ])
  })

  it('refuses sources, tests and a CJS or mapped testing kit', () => {
    const problems = problemsOf(
      'core',
      unpacked({
        ...good,
        'src/index.ts': '',
        'dist/ledger.test.js': '',
        'tsconfig.json': '{}',
        'dist/testing/index.cjs': '',
        'dist/testing/index.js.map': '',
      }),
    )
    expect(problems).toEqual([
      'dist/ledger.test.js is a test file: it must not ship',
      'dist/testing/index.cjs: the testing kit ships as ESM only, without source maps',
      'dist/testing/index.js.map: the testing kit ships as ESM only, without source maps',
      'src/index.ts is sources: it must not ship',
      'tsconfig.json is a TS config: it must not ship',
    ])
  })

  it('refuses relative README links and links to another repository of that name', () => {
    const readme =
      '[docs](../../docs/semantics.md) [x](./x.md) ![img](docs/a.png) [fork](https://github.com/someone/metered/blob/main/a.md)\n```md\n[in code](../ignored.md)\n```\n'
    const problems = problemsOf('core', unpacked({ ...good, 'README.md': readme }))
    expect(problems).toHaveLength(4)
    expect(problems[0]).toContain('"../../docs/semantics.md"')
    expect(problems[3]).toContain('https://github.com/someone/metered/blob/main/a.md')
  })

  it('finds link targets outside code fences only', () => {
    expect(linkTargets('[a](https://x.dev) [b](#c)\n```\n[d](e)\n```\n[f](<g h>)')).toEqual(['https://x.dev', '#c'])
  })
})
