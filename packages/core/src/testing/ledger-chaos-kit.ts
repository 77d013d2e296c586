import { comparable, type Outcome } from './ledger-check-kit.js'

/** A small seeded PRNG (mulberry32): the same seed gives the same operations on every store. */
export interface Rng {
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  chance(p: number): boolean
  pick<T>(list: readonly T[]): T
  /** Mostly one of the last few, sometimes any: recent holds and grants are the interesting ones. */
  recent<T>(list: readonly T[]): T | undefined
  shuffle<T>(list: T[]): T[]
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng: Rng = {
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)]!,
    recent: (list) => {
      if (list.length === 0) return undefined
      const span = rng.chance(0.7) ? Math.min(4, list.length) : list.length
      return list[list.length - 1 - Math.floor(next() * span)]
    },
    shuffle: (list) => {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[list[i], list[j]] = [list[j]!, list[i]!]
      }
      return list
    },
  }
  return rng
}

/** The grants and holds a round has made, with the model's id for each store id. */
export interface Known {
  grants: Array<{ store: string; model: string; key: string; account: string }>
  holds: Array<{ store: string; model: string; account: string; amount: number; closed?: boolean }>
  /** Store id -> model id. */
  ids: Map<string, string>
}

export function createKnown(): Known {
  return { grants: [], holds: [], ids: new Map() }
}

/** Remembers a grant or hold a call just created (on the store and, when given, in the model). */
export function noteCreated(known: Known, kind: string, account: string, key: string, store: Outcome, model?: Outcome) {
  if (!('value' in store) || store.value.ok !== true || store.value.replayed !== false) return
  const mid = (field: 'grantId' | 'hold') =>
    model && 'value' in model
      ? field === 'hold'
        ? (model.value.hold as { id: string })?.id
        : model.value.grantId
      : undefined
  if (kind === 'grant') {
    const id = store.value.grantId as string
    const m = (mid('grantId') as string | undefined) ?? `unmodelled:${id}`
    known.ids.set(id, m)
    known.grants.push({ store: id, model: m, key, account })
  } else if (kind === 'reserve') {
    const hold = store.value.hold as { id: string; amount: number }
    const m = (mid('hold') as string | undefined) ?? `unmodelled:${hold.id}`
    known.ids.set(hold.id, m)
    known.holds.push({ store: hold.id, model: m, account, amount: hold.amount })
  }
}

/** Marks the hold a settle or release closed, so later picks favour open holds. */
export function noteClosed(known: Known, holdId: string, outcome: Outcome): void {
  if (!('value' in outcome) || outcome.value.ok !== true) return
  const hold = known.holds.find((h) => h.store === holdId)
  if (hold) hold.closed = true
}

/** A hold to settle or release: mostly a recent open one, sometimes any, rarely an unknown id. */
export function pickHold(rng: Rng, holds: Known['holds']): Known['holds'][number] | undefined {
  if (rng.chance(0.04)) return undefined
  const open = holds.filter((h) => !h.closed)
  return rng.recent(open.length > 0 && rng.chance(0.8) ? open : holds)
}

/** A store result in the model's terms: ids mapped through `known`. */
export function inModelTerms(outcome: Outcome, known: Known): Outcome {
  return comparable(outcome, (id) => (typeof id === 'string' ? (known.ids.get(id) ?? `unmapped:${id}`) : id))
}

/** The model's answer as an outcome: its errors are `{ code }` objects, not throws. */
export function modelOutcome(result: object): Outcome {
  return 'code' in result && !('ok' in result)
    ? { code: (result as { code: unknown }).code }
    : { value: result as Record<string, unknown> }
}

/** Every unit figure anywhere in a result below zero, with its path (a grant's priority may be negative). */
export function negativeFigures(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return value < 0 ? [`${path || 'value'} = ${value}`] : []
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value)
    .filter(([k]) => k !== 'priority')
    .flatMap(([k, v]) => negativeFigures(v, path ? `${path}.${k}` : k))
}
