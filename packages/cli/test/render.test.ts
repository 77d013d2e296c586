import { describe, expect, it } from 'vitest'
import { ownerOf, stamp } from '../src/marker.js'
import { rewriteImports, selectRegions } from '../src/render.js'

describe('selectRegions', () => {
  const template = [
    'a',
    '// #if db=postgres,pglite',
    'pg',
    '// #endif',
    '  // #if auth=none',
    '  none',
    '  // #endif',
    'z',
  ].join('\n')

  it('keeps the regions whose condition holds and drops the markers', () => {
    expect(selectRegions(template, { db: 'pglite', auth: 'none' })).toBe('a\npg\n  none\nz')
    expect(selectRegions(template, { db: 'memory', auth: 'authjs' })).toBe('a\nz')
  })

  it('refuses unknown choices and unbalanced markers', () => {
    expect(() => selectRegions(template, { db: 'memory' })).toThrow(/unknown choice "auth"/)
    expect(() => selectRegions('// #if db=x\n', { db: 'x' })).toThrow(/without #endif/)
    expect(() => selectRegions('// #endif\n', {})).toThrow(/without #if/)
    expect(() => selectRegions('// #if db=x\n// #if db=x\n', { db: 'x' })).toThrow(/inside #if/)
  })
})

describe('rewriteImports', () => {
  const text = "import { metered } from '@/lib/metered'\nconst m = await import('@/lib/metered-stores')\n"

  it("uses the app's alias", () => {
    expect(rewriteImports(text, 'app/api/x/route.ts', '~/')).toBe(
      "import { metered } from '~/lib/metered'\nconst m = await import('~/lib/metered-stores')\n",
    )
  })

  it('imports relatively from where the file is when the app has no alias', () => {
    expect(rewriteImports(text, 'app/api/credits/[...route]/route.ts', null)).toContain(
      "from '../../../../lib/metered'",
    )
    expect(rewriteImports(text, 'instrumentation.ts', null)).toContain("import('./lib/metered-stores')")
    expect(rewriteImports(text, 'lib/metered.ts', null)).toContain("from './metered'")
  })
})

describe('the generated-file marker', () => {
  const file = stamp('// @metered-generated: written by init\nexport const a = 1\n')

  it('is owned by init while untouched, by the user once edited or without the marker', () => {
    expect(file).toMatch(/^\/\/ @metered-generated [0-9a-f]{12}: written by init\n/)
    expect(ownerOf(file)).toBe('init')
    expect(ownerOf(file.replace('a = 1', 'a = 2'))).toBe('user')
    expect(ownerOf('export const a = 1\n')).toBe('user')
    expect(ownerOf(file.replace(/[0-9a-f]{12}/, '000000000000'))).toBe('user')
  })
})
