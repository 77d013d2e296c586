import { lastImportLine } from './last-import.js'
import type { Auth } from './options.js'

/** What init adds to the app's own auth module, per sign-in library. */
interface Glue {
  /** The name lib/metered-auth.ts exports. */
  name: string
  /** The @metered/next function behind it: an app that calls it itself has the glue already. */
  factory: string
  /** The line that opens the config object the glue goes into. */
  opener: RegExp
  /** Config keys whose presence means the glue cannot be added by inserting lines. */
  clashes: RegExp | null
}

const GLUE: Partial<Record<Auth, Glue>> = {
  'better-auth': { name: 'meteredPlugin', factory: 'meteredBetterAuth', opener: /\bbetterAuth\(\{\s*$/, clashes: null },
  // A spread goes first, so the app's own keys win; its own callbacks or events would replace ours.
  authjs: {
    name: 'meteredAuthConfig',
    factory: 'meteredAuth',
    opener: /\bNextAuth\(\{\s*$/,
    clashes: /^\s*(callbacks|events)\s*[:,({]/m,
  },
}

/** What became of the app's auth module: glue inserted, already there, left to the user, or none needed. */
export type AuthWiring = 'inserted' | 'present' | 'printed' | 'none'

export type AuthEdit =
  | { kind: 'present' }
  | { kind: 'insert'; text: string }
  | { kind: 'manual'; reason: string }
  | { kind: 'none' }

/** The import of the glue, as written in a template (`'@/…'`, rewritten for the app by the caller). */
export function glueImport(auth: Auth): string | null {
  const glue = GLUE[auth]
  return glue ? `import { ${glue.name} } from '@/lib/metered-auth'` : null
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)?.[0] ?? ''
}

/**
 * Wires lib/metered-auth.ts into the app's auth module by inserting lines, changing none: the
 * import after the last import, and `plugins: [meteredPlugin]` (Better Auth; into an existing
 * `plugins: [` list when it opens a line) or `...meteredAuthConfig,` (Auth.js v5) as the first line
 * of the config object. A module of another shape is left alone (the step is printed instead).
 * `importLine` is the import as the auth module must write it.
 */
export function editAuthModule(text: string, auth: Auth, importLine: string): AuthEdit {
  const glue = GLUE[auth]
  if (!glue) return { kind: 'none' }
  if (new RegExp(`\\b(${glue.name}|${glue.factory})\\b`).test(text)) return { kind: 'present' }
  const lines = text.split('\n')
  const openers = lines.flatMap((line, i) => (glue.opener.test(line) ? [i] : []))
  if (openers.length !== 1) return { kind: 'manual', reason: `no single \`${glue.opener.source}\` line` }
  const opener = openers[0] ?? 0
  if (glue.clashes?.test(text)) return { kind: 'manual', reason: 'it has callbacks or events of its own' }

  const lastImport = lastImportLine(lines)
  if (lastImport === -1 || lastImport > opener) return { kind: 'manual', reason: 'no imports above the config' }
  const semicolon = /;\s*$/.test(lines[lastImport] ?? '') ? ';' : ''
  const inner = `${indentOf(lines[opener] ?? '')}  `

  const out = [...lines]
  if (auth === 'better-auth') {
    const list = lines.findIndex((line) => /^\s*plugins\s*:/.test(line))
    if (list !== -1) {
      if (!/^\s*plugins\s*:\s*\[\s*$/.test(lines[list] ?? '')) {
        return { kind: 'manual', reason: 'its `plugins: [` list does not open a line of its own' }
      }
      out.splice(list + 1, 0, `${indentOf(lines[list] ?? '')}  ${glue.name},`)
    } else out.splice(opener + 1, 0, `${inner}plugins: [${glue.name}],`)
  } else out.splice(opener + 1, 0, `${inner}...${glue.name},`)
  out.splice(lastImport + 1, 0, `${importLine}${semicolon}`)
  return { kind: 'insert', text: out.join('\n') }
}
