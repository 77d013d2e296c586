import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

// An app can end up with two copies of @metered/core in one process: the ESM build imported by
// one dependency and the CJS build required by another. An error thrown by one copy must still
// be recognised by the other (isMeteredError and instanceof of each class), so these tests load
// both built files (dist/, from `pnpm build`) side by side.
type Core = typeof import('../src/index.js')

const esmFile = fileURLToPath(new URL('../dist/index.js', import.meta.url))
const cjsFile = fileURLToPath(new URL('../dist/index.cjs', import.meta.url))

let esm: Core
let cjs: Core

beforeAll(async () => {
  if (!existsSync(esmFile) || !existsSync(cjsFile)) throw new Error('build @metered/core first (pnpm build)')
  esm = (await import(pathToFileURL(esmFile).href)) as Core
  cjs = createRequire(import.meta.url)(cjsFile) as Core
})

/** One error of each class, made by the given copy. */
function errorsOf(core: Core) {
  return {
    MeteredError: new core.MeteredError('invariant_violation', 'broken'),
    ValidationError: new core.ValidationError([{ path: 'amount', message: 'too big' }]),
    IdempotencyConflictError: new core.IdempotencyConflictError('k1'),
    NotFoundError: new core.NotFoundError('hold h1'),
    StoreUnavailableError: new core.StoreUnavailableError(),
    StoreTimeoutError: new core.StoreTimeoutError(50),
  }
}
type ClassName = keyof ReturnType<typeof errorsOf>
const subclasses: ClassName[] = [
  'ValidationError',
  'IdempotencyConflictError',
  'NotFoundError',
  'StoreUnavailableError',
  'StoreTimeoutError',
]

describe('errors are recognised across an ESM and a CJS copy of @metered/core', () => {
  it('loads two distinct copies (otherwise the checks below prove nothing)', () => {
    expect(esm.MeteredError).not.toBe(cjs.MeteredError)
    expect(esm.ValidationError).not.toBe(cjs.ValidationError)
  })

  for (const [from, to] of [
    ['esm', 'cjs'],
    ['cjs', 'esm'],
  ] as const) {
    it(`an error made by the ${from} copy is a MeteredError of its own class for the ${to} copy`, () => {
      const made = errorsOf(from === 'esm' ? esm : cjs)
      const checker = to === 'esm' ? esm : cjs
      for (const [name, error] of Object.entries(made) as Array<[ClassName, Error]>) {
        expect(checker.isMeteredError(error), name).toBe(true)
        expect(error instanceof checker.MeteredError, name).toBe(true)
        expect(error instanceof checker[name], name).toBe(true)
        // and of no other subclass
        for (const other of subclasses) {
          if (other !== name) expect(error instanceof checker[other], `${name} vs ${other}`).toBe(false)
        }
      }
    })
  }

  it('a MeteredError with a subclass code is not that subclass (the class, not the code, decides)', () => {
    for (const [maker, checker] of [
      [esm, cjs],
      [cjs, esm],
      [esm, esm],
    ] as const) {
      const bare = new maker.MeteredError('validation_error', 'bad')
      expect(checker.isMeteredError(bare)).toBe(true)
      expect(bare instanceof checker.ValidationError).toBe(false)
    }
  })

  it('anything else is not a MeteredError', () => {
    for (const core of [esm, cjs]) {
      for (const value of [
        new Error('x'),
        new TypeError('x'),
        { name: 'ValidationError', code: 'validation_error', message: 'x' },
        Object.assign(new Error('x'), { code: 'not_found' }),
        null,
        undefined,
        'validation_error',
        42,
      ]) {
        expect(core.isMeteredError(value)).toBe(false)
        expect(value instanceof core.MeteredError).toBe(false)
        expect(value instanceof core.NotFoundError).toBe(false)
      }
    }
  })

  it('instanceof still works for classes that extend a metered error', () => {
    for (const core of [esm, cjs]) {
      class QuotaValidationError extends core.ValidationError {}
      const error = new QuotaValidationError([{ path: '', message: 'no' }])
      expect(error instanceof QuotaValidationError).toBe(true)
      expect(error instanceof esm.ValidationError).toBe(true)
      expect(error instanceof cjs.ValidationError).toBe(true)
      expect(new core.ValidationError([]) instanceof QuotaValidationError).toBe(false)
    }
  })
})
