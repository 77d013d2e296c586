import { lastImportLine } from './last-import.js'

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
 * Adds `MeteredProvider` + `CreditDisplay` to a root layout: an import after the last import, the
 * provider's opening lines right after `<body ...>` and its closing line right before `</body>`
 * (a `<body>{children}</body>` line is spread over lines first). Nothing else changes. A layout
 * of another shape (no single body, no imports) is left alone and the lines are printed instead.
 */
export function editLayout(text: string): LayoutEdit {
  if (text.includes('MeteredProvider')) return { kind: 'present' }
  const lines = text.split('\n')
  const lastImport = lastImportLine(lines)
  if (lastImport === -1) return manual('no import statements found')
  const open = text.indexOf('<body')
  const close = text.lastIndexOf('</body>')
  if (open === -1 || close === -1 || text.indexOf('<body', open + 1) !== -1) return manual('no single <body> element')
  const openEnd = endOfTag(text, open)
  if (openEnd === -1 || text[openEnd - 2] === '/' || openEnd > close) return manual('the <body> tag does not close')
  const closeLineStart = text.lastIndexOf('\n', close) + 1
  const bodyIndent = /^\s*/.exec(text.slice(closeLineStart, close))?.[0] ?? ''
  const inner = `${bodyIndent}  `
  const afterOpen = text.indexOf('\n', openEnd)
  const semi = /;\s*$/.test(lines[lastImport] ?? '') ? ';' : ''
  const importLine = `${LAYOUT_IMPORT}${semi}`
  let body: string
  if (afterOpen !== -1 && afterOpen < close && text.slice(openEnd, afterOpen).trim() === '') {
    // <body ...> and </body> on lines of their own: the provider's lines go in between.
    if (text.slice(closeLineStart, close).trim() !== '') return manual('</body> is not alone on its line')
    body = `${text.slice(0, afterOpen + 1)}${inner}${OPEN}\n${inner}  ${DISPLAY}\n${text.slice(afterOpen + 1, closeLineStart)}${inner}${CLOSE}\n${text.slice(closeLineStart)}`
  } else if (afterOpen === -1 || afterOpen > close) {
    // `<body>{children}</body>` on one line (create-next-app): the line becomes the element spread out.
    const lineStart = text.lastIndexOf('\n', open) + 1
    const indent = text.slice(lineStart, open)
    if (indent.trim() !== '') return manual('<body> does not start its line')
    const content = text.slice(openEnd, close).trim()
    const deeper = `${indent}  `
    body =
      `${text.slice(0, openEnd)}\n${deeper}${OPEN}\n${deeper}  ${DISPLAY}\n` +
      `${content === '' ? '' : `${deeper}  ${content}\n`}${deeper}${CLOSE}\n${indent}${text.slice(close)}`
  } else return manual('<body ...> is not alone on its line')
  const bodyLines = body.split('\n')
  const result = [...bodyLines.slice(0, lastImport + 1), importLine, ...bodyLines.slice(lastImport + 1)].join('\n')
  return { kind: 'insert', text: result }
}
