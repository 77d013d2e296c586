/**
 * PGlite reads its WASM and data files from its own package directory at run time; a copy that
 * Next.js bundles looks for them beside the bundle and every query fails. So an app on the
 * embedded database must leave the package external (`serverExternalPackages`, Next 15+;
 * `experimental.serverComponentsExternalPackages` on Next 14).
 */
export const PGLITE = '@electric-sql/pglite'

/** The config files Next.js reads, in the order it looks for them. */
export const NEXT_CONFIG_FILES = ['next.config.ts', 'next.config.mjs', 'next.config.js', 'next.config.cjs']

export type ConfigEdit =
  | { kind: 'present' }
  | { kind: 'insert'; text: string }
  | { kind: 'manual'; reason: string; lines: string }

/** The one property the config needs, for this Next.js major version. */
export function externalLine(nextMajor: number | null): string {
  return nextMajor !== null && nextMajor < 15
    ? `experimental: { serverComponentsExternalPackages: ['${PGLITE}'] },`
    : `serverExternalPackages: ['${PGLITE}'],`
}

/** A whole next.config.mjs, for an app that has none. */
export function newNextConfig(nextMajor: number | null): string {
  return `/** @type {import('next').NextConfig} */\nconst nextConfig = {\n  ${externalLine(nextMajor)}\n}\n\nexport default nextConfig\n`
}

const CONFIG_OBJECT = /(?:const\s+\w+(?:\s*:\s*NextConfig)?\s*=|export\s+default|module\.exports\s*=)\s*\{/g

/**
 * Adds the external-package line as the first property of the config object literal (`const
 * nextConfig = {`, `export default {`, `module.exports = {`). Nothing else changes. A config of
 * another shape (a function, a wrapper call, two candidates, the property already set) is left
 * alone and the line is printed instead.
 */
export function editNextConfig(text: string, nextMajor: number | null): ConfigEdit {
  if (text.includes(PGLITE)) return { kind: 'present' }
  const line = externalLine(nextMajor)
  const manual = (reason: string): ConfigEdit => ({ kind: 'manual', reason, lines: line })
  const key = line.slice(0, line.indexOf(':'))
  if (new RegExp(`\\b${key}\\s*:`).test(text)) return manual(`it already sets ${key}`)
  const matches = [...text.matchAll(CONFIG_OBJECT)]
  if (matches.length !== 1) return manual('no single config object literal found')
  const match = matches[0] as RegExpMatchArray
  const brace = (match.index ?? 0) + match[0].length
  const rest = text.slice(brace)
  const inline = /^\s*\}/.test(rest)
  const indent = /^\n([ \t]+)\S/.exec(rest)?.[1] ?? '  '
  const inserted = inline ? `\n${indent}${line}\n` : `\n${indent}${line}`
  return { kind: 'insert', text: `${text.slice(0, brace)}${inserted}${inline ? rest.replace(/^\s*/, '') : rest}` }
}
