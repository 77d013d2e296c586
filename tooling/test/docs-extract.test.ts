import { describe, expect, it } from 'vitest'
import { compileUnit, extractBlocks } from '../docs-check/extract.mjs'

const page = [
  '# A page', // 1
  '', // 2
  '```sh', // 3
  'npm install x', // 4
  '```', // 5
  '<!-- prelude: import { a } from "a"', // 6
  'declare const b: number -->', // 7
  '```ts', // 8
  'const c = a + b', // 9
  '```', // 10
  '```tsx partial', // 11
  '<X />', // 12
  '```', // 13
  '```ts', // 14
  '// partial', // 15
  'foo(...)', // 16
  '```', // 17
  '```ts run', // 18
  '// lib/one.ts', // 19
  'export const one = 1', // 20
  '', // 21
  '// app/two.ts: a second file', // 22
  'export const two = 2', // 23
  '```', // 24
].join('\n')

describe('docs-check extractBlocks', () => {
  const { blocks } = extractBlocks('docs/x.md', page)

  it('takes ts/tsx blocks only, with their fence lines and markers', () => {
    expect(blocks.map((b) => [b.line, b.lang, b.partial, b.run])).toEqual([
      [8, 'ts', false, false],
      [11, 'tsx', true, false],
      [14, 'ts', true, false],
      [18, 'ts', false, true],
    ])
    expect(blocks[1]?.files).toEqual([])
  })

  it("marks blocks compiled against other library versions: authjs (Auth.js v5), openai4 (the starter's openai)", () => {
    const marked = extractBlocks('docs/y.md', '```ts openai4\nconst a = 1\n```\n```ts authjs\nconst b = 2\n```').blocks
    expect(marked.map((b) => [b.openai4, b.authjs])).toEqual([
      [true, false],
      [false, true],
    ])
    expect(blocks.every((b) => !b.openai4 && !b.authjs)).toBe(true)
  })

  it('maps an error on a block line, or in its prelude, back to the page line', () => {
    const file = blocks[0]!.files[0]!
    const { source, pageLine } = compileUnit(file)
    const lines = source.split('\n')
    expect(lines.slice(0, 3)).toEqual(['import { a } from "a"', 'declare const b: number', 'const c = a + b'])
    expect(pageLine(3)).toBe(9) // `const c = a + b`
    expect(pageLine(1)).toBe(6) // the prelude: its comment's line
    expect(source).toContain('export {}')
  })

  it('starts a new file at a file-name comment at the top or after a blank line', () => {
    const files = blocks[3]!.files
    expect(files.map((f) => [f.line, f.code.split('\n')[0]])).toEqual([
      [19, '// lib/one.ts'],
      [22, '// app/two.ts: a second file'],
    ])
    expect(compileUnit(files[1]!).pageLine(2)).toBe(23)
  })
})
