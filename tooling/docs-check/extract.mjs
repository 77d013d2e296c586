/**
 * The TypeScript code blocks of a Markdown page, as files to compile (the conventions are in
 * ./README.md): every ```ts / ```tsx block is a module of its own; `partial` in the info string
 * (or a first line `// partial`) leaves a block out; an HTML comment `<!-- prelude: ... -->`
 * right above the fence is code the block assumes (imports, a client), compiled before it; a
 * line `// some/file.ts` at the top of the block or after a blank line starts another file; `run`
 * in the info string also executes the block. Each file keeps the page line of its first line
 * so that a compiler error can be reported at the page's file:line.
 */

const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)(.*)$/
const LANGS = new Map([
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['tsx', 'tsx'],
])
const FILE_HEADER = /^\/\/ [\w@$[\]().\-/]+\.(?:ts|tsx|mts|cts)\b/
const PRELUDE = /<!--\s*prelude:?([\s\S]*?)-->\s*$/

/** The prelude comment ending on the line just above `fenceIndex` (0-based), if any. */
function preludeAbove(lines, fenceIndex) {
  const end = fenceIndex - 1
  if (end < 0 || !lines[end].trimEnd().endsWith('-->')) return null
  for (let start = end; start >= 0 && end - start < 60; start--) {
    if (lines[start].includes('<!--')) {
      const match = lines
        .slice(start, end + 1)
        .join('\n')
        .match(PRELUDE)
      return match ? { code: match[1].trim(), line: start + 1 } : null
    }
  }
  return null
}

/**
 * @param {string} doc the page's path (for reports)
 * @param {string} text the page's Markdown
 * @returns {{ blocks: Block[] }} every ts/tsx block, in page order
 *
 * @typedef {{ doc: string, line: number, lang: 'ts' | 'tsx', partial: boolean, run: boolean, authjs: boolean, openai4: boolean, files: BlockFile[] }} Block
 * @typedef {{ line: number, code: string, prelude: { code: string, line: number } | null }} BlockFile
 *   `line`: the page line (1-based) of the file's first code line
 */
export function extractBlocks(doc, text) {
  const lines = text.split(/\r?\n/)
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(FENCE)
    if (!open) continue
    const [, fence, info, rest] = open
    let close = i + 1
    while (
      close < lines.length &&
      !(lines[close].trim().startsWith(fence) && lines[close].trim().replace(/[`~]/g, '') === '')
    )
      close++
    const lang = LANGS.get(info.toLowerCase())
    if (lang) {
      const words = rest.trim().split(/\s+/)
      const body = lines.slice(i + 1, close)
      const firstCode = body.find((l) => l.trim() !== '') ?? ''
      const partial = words.includes('partial') || /^\/\/\s*partial\b/.test(firstCode.trim())
      blocks.push({
        doc,
        line: i + 1,
        lang,
        partial,
        run: words.includes('run'),
        authjs: words.includes('authjs'),
        openai4: words.includes('openai4'),
        files: partial ? [] : splitFiles(body, i + 2, preludeAbove(lines, i)),
      })
    }
    i = close
  }
  return { blocks }
}

/** Splits a block's lines at file headers; `firstLine` is the page line of body[0]. */
function splitFiles(body, firstLine, prelude) {
  const files = []
  let current = { line: firstLine, lines: [] }
  body.forEach((l, k) => {
    const startsFile = FILE_HEADER.test(l) && (k === 0 || body[k - 1].trim() === '')
    if (startsFile && current.lines.some((x) => x.trim() !== '')) {
      files.push(current)
      current = { line: firstLine + k, lines: [] }
    }
    current.lines.push(l)
  })
  files.push(current)
  return files.map((f) => ({ line: f.line, code: f.lines.join('\n'), prelude }))
}

/**
 * The source of a block file as compiled, and how to map its lines back to the page: a line `n`
 * (1-based) of the source is page line `pageLine(n)`.
 */
export function compileUnit(file) {
  const prelude = file.prelude ? file.prelude.code.split('\n') : []
  // `export {}`: a block without imports is still a module of its own, so top-level names of
  // different blocks never clash
  const source = [...prelude, file.code, '', 'export {}', ''].join('\n')
  const pageLine = (n) =>
    n <= prelude.length
      ? file.prelude.line
      : Math.min(file.line + (n - prelude.length - 1), file.line + file.code.split('\n').length)
  return { source, pageLine }
}
