import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application, LogLevel } from 'typedoc'
import { afterAll, describe, expect, it } from 'vitest'

const plugin = fileURLToPath(new URL('../api-docs/require-defaults.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'metered-api-docs-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs TypeDoc with the plugin over one source file and returns what it warned about. */
async function warningsFor(source: string): Promise<string[]> {
  const project = mkdtempSync(join(dir, 'p-'))
  mkdirSync(join(project, 'src'))
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fixture', version: '0.0.0', type: 'module' }))
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] },
      include: ['src'],
    }),
  )
  writeFileSync(join(project, 'src', 'index.ts'), source)
  const app = await Application.bootstrapWithPlugins({
    entryPointStrategy: 'resolve',
    entryPoints: [join(project, 'src', 'index.ts')],
    tsconfig: join(project, 'tsconfig.json'),
    plugin: [plugin],
    validation: { notExported: false, notDocumented: false, invalidLink: false },
    logLevel: LogLevel.Warn,
  })
  const warnings: string[] = []
  app.logger.log = (message: string, level: LogLevel) => {
    if (level >= LogLevel.Warn) warnings.push(message)
  }
  const converted = await app.convert()
  expect(converted, warnings.join('\n')).toBeDefined()
  if (converted) app.validate(converted)
  return warnings
}

// TypeDoc builds a TypeScript program per run: seconds on an idle machine, much more on a busy one.
const TIMEOUT = 180_000

describe('require-defaults (TypeDoc plugin of pnpm docs:api)', () => {
  it(
    'flags an optional option without its default, and only that one',
    async () => {
      const warnings = await warningsFor(`
      /** Options of f. */
      export interface WidgetOptions {
        /** Required: no default to state. */
        name: string
        /** Size in px. @defaultValue 3 */
        size?: number
        /** Colour. @default 'red' */
        colour?: string
        /** Shown above. Default: none. */
        title?: string
        /** Shown below. */
        label?: string
        /** A callback: its argument's fields are not options. Default: none. */
        onChange?: (change: { before?: number; after?: number }) => void
      }
      /** A third party's object: not ours to document. */
      export interface ClientLike { timeout?: number }
      /** Props of a component, as a type alias with an exactly-one-of union. */
      export type BadgeProps = { tone?: 'info' | 'warn' } & ({ text: string; icon?: never } | { icon: string; text?: never })
      /** A value shape, not options. */
      export interface Result { note?: string }
      /** Uses them. */
      export function f(_w: WidgetOptions, _c: ClientLike, _b: BadgeProps): Result { return {} }
    `)
      expect(warnings).toHaveLength(2)
      expect(warnings.find((w) => w.includes('WidgetOptions.label'))).toMatch(/without its default/)
      expect(warnings.find((w) => w.includes('BadgeProps') && w.includes('tone'))).toMatch(/without its default/)
      for (const quiet of [
        '.name',
        '.size',
        '.colour',
        '.title',
        'before',
        'after',
        'timeout',
        '.icon',
        '.text',
        'note',
      ]) {
        expect(warnings.filter((w) => w.includes(quiet))).toEqual([])
      }
    },
    TIMEOUT,
  )

  it(
    'passes an options type whose every optional member states its default',
    async () => {
      const warnings = await warningsFor(`
      /** Options of g. */
      export interface GaugeOptions {
        /** Ticks shown. @defaultValue 10 */
        ticks?: number
        /** Defaults to the theme's colour. */
        colour?: string
      }
      /** Uses them. */
      export function g(_o: GaugeOptions): void {}
    `)
      expect(warnings).toEqual([])
    },
    TIMEOUT,
  )
})
