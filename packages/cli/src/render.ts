import { dirname, posix } from 'node:path'
import { stamp } from './marker.js'

/** The choices a template's `// #if key=a,b` regions test. */
export type Choices = Record<string, string>

const IF = /^\s*\/\/ #if (\w+)=([\w,-]+)\s*$/
const ENDIF = /^\s*\/\/ #endif\s*$/

/** Keeps the lines of the regions whose condition holds; drops the region markers. */
export function selectRegions(template: string, choices: Choices, name = 'template'): string {
  const out: string[] = []
  let keep: boolean | null = null
  for (const [i, line] of template.split('\n').entries()) {
    const open = IF.exec(line)
    if (open) {
      if (keep !== null) throw new Error(`${name}:${i + 1}: #if inside #if`)
      const [, key = '', values = ''] = open
      if (!(key in choices)) throw new Error(`${name}:${i + 1}: unknown choice "${key}"`)
      keep = values.split(',').includes(choices[key] ?? '')
    } else if (ENDIF.test(line)) {
      if (keep === null) throw new Error(`${name}:${i + 1}: #endif without #if`)
      keep = null
    } else if (keep !== false) out.push(line)
  }
  if (keep !== null) throw new Error(`${name}: #if without #endif`)
  // a dropped region leaves its blank lines behind: at most one in a row
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}

/**
 * Rewrites the templates' `'@/x'` imports for the app: its own alias (`'~/x'`), or a path
 * relative to the file (`'../lib/x'`) when the app has none. `file` is relative to the base dir.
 */
export function rewriteImports(text: string, file: string, alias: string | null): string {
  return text.replace(/(from |import\()'@\/([^']+)'/g, (_all, before: string, target: string) => {
    if (alias !== null) return `${before}'${alias}${target}'`
    const relative = posix.relative(dirname(file) || '.', target)
    return `${before}'${relative.startsWith('.') ? relative : `./${relative}`}'`
  })
}

/** A template as the app gets it: regions chosen, imports rewritten, marker stamped. */
export function render(
  template: string,
  options: { file: string; choices: Choices; alias: string | null; replace?: Record<string, string> },
): string {
  let text = selectRegions(template, options.choices, options.file)
  for (const [from, to] of Object.entries(options.replace ?? {})) text = text.split(from).join(to)
  return stamp(rewriteImports(text, options.file, options.alias))
}
