/** What the root layout gets: the provider around the page, the balance at the top. */
export const LAYOUT_IMPORT = "import { CreditDisplay, MeteredProvider } from '@metered/next/react'"
const OPEN = '<MeteredProvider>'
const DISPLAY = '<CreditDisplay />'
const CLOSE = '</MeteredProvider>'

export type LayoutEdit =
  | { kind: 'present' }
  | { kind: 'insert'; text: string }
  | { kind: 'manual'; reason: string; lines: string }

/** The lines to add by hand when the layout is not one init can edit by inserting lines. */
export const MANUAL_LINES = `${LAYOUT_IMPORT}

  <body>
    ${OPEN}
      ${DISPLAY}
      {children}
    ${CLOSE}
  </body>`

/** Index just past the `>` that ends the tag opened at `start` (braces skipped: `className={a > b}`). */
function endOfTag(text: string, start: number): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === '>' && depth === 0) return i + 1
  }
  return -1
}

function manual(reason: string): LayoutEdit {
  return { kind: 'manual', reason, lines: MANUAL_LINES }
}

/**
 * Adds `MeteredProvider` + `CreditDisplay` to a root layout by inserting whole lines only: an
 * import after the last import, the provider's opening lines right after `<body ...>` and its
 * closing line right before `</body>`. A layout where that is not possible (the body on one line,
 * no body, no imports) is left alone and the lines are printed for the user instead.
 */
export function editLayout(text: string): LayoutEdit {
  if (text.includes('MeteredProvider')) return { kind: 'present' }
  const lines = text.split('\n')
  let lastImport = -1
  let inImport = false
  for (const [i, line] of lines.entries()) {
    if (/^import\s/.test(line)) inImport = true
    if (inImport) {
      lastImport = i
      if (/from\s+['"][^'"]+['"];?\s*$|^import\s+['"][^'"]+['"];?\s*$/.test(line)) inImport = false
    }
  }
  if (lastImport === -1 || inImport) return manual('no import statements found')
  const open = text.indexOf('<body')
  const close = text.lastIndexOf('</body>')
  if (open === -1 || close === -1 || text.indexOf('<body', open + 1) !== -1) return manual('no single <body> element')
  const openEnd = endOfTag(text, open)
  if (openEnd === -1 || text[openEnd - 2] === '/') return manual('the <body> tag does not close')
  const afterOpen = text.indexOf('\n', openEnd)
  if (afterOpen === -1 || text.slice(openEnd, afterOpen).trim() !== '') return manual('<body ...> is not alone on its line')
  const closeLineStart = text.lastIndexOf('\n', close) + 1
  if (text.slice(closeLineStart, close).trim() !== '') return manual('</body> is not alone on its line')
  if (closeLineStart <= afterOpen) return manual('the <body> element has no lines inside')

  const semi = /;\s*$/.test(lines[lastImport] ?? '') ? ';' : ''
  const bodyIndent = /^\s*/.exec(text.slice(closeLineStart, close))?.[0] ?? ''
  const inner = `${bodyIndent}  `
  const withImport = [...lines.slice(0, lastImport + 1), `${LAYOUT_IMPORT}${semi}`, ...lines.slice(lastImport + 1)].join('\n')
  // Offsets move by the inserted import line.
  const shift = LAYOUT_IMPORT.length + semi.length + 1
  const a = afterOpen + shift + 1
  const b = closeLineStart + shift
  const result =
    withImport.slice(0, a) +
    `${inner}${OPEN}\n${inner}  ${DISPLAY}\n` +
    withImport.slice(a, b) +
    `${inner}${CLOSE}\n` +
    withImport.slice(b)
  return { kind: 'insert', text: result }
}
