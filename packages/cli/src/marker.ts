import { createHash } from 'node:crypto'

/** The first line of every file init writes: the marker and a hash of the rest of the file. */
const MARKER = '@metered-generated'
const HEADER = /^\/\/ @metered-generated(?: ([0-9a-f]{12}))?:/

function hashOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12)
}

function split(text: string): [string, string] {
  const end = text.indexOf('\n')
  return end === -1 ? [text, ''] : [text.slice(0, end), text.slice(end + 1)]
}

/** Puts the hash of the file's body into its marker line, so a later run can tell an edit. */
export function stamp(text: string): string {
  const [first, body] = split(text)
  if (!HEADER.test(first)) throw new Error(`a template must start with "// ${MARKER}:"`)
  return `${first.replace(HEADER, `// ${MARKER} ${hashOf(body)}:`)}\n${body}`
}

/**
 * Who owns a file on disk: init (written by it and unchanged since, so it may be replaced), or
 * the user (no marker, or edited after init wrote it: never replaced without asking).
 */
export function ownerOf(text: string): 'init' | 'user' {
  const [first, body] = split(text)
  const hash = HEADER.exec(first)?.[1]
  return hash !== undefined && hash === hashOf(body) ? 'init' : 'user'
}
