import { checkMetadata, isCleanString } from './input-rules.js'
import type { NormalizedDebit, NormalizedReserve, NormalizedSettle } from './ledger/normalized.js'
import type { Metadata, ReleaseInput } from './ledger/types.js'
import type { ConsumeRequest, RuleSpec } from './limiter/types.js'
import {
  accountSchema,
  MAX_CONSUME_ITEMS,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  parse,
  RULE_KINDS,
  USAGE_STATUSES,
} from './schemas.js'
import type { NormalizedUsageEvent } from './usage/normalized.js'
import type { UsageStatus } from './usage/types.js'

/**
 * Hand-written checks for the inputs of the metering hot path (reserve, settle, debit, release,
 * the usage event, the limiter store's consume request), which zod would otherwise walk on
 * every call. Each `fast*` returns what the zod schema plus its normaliser would return, or
 * `undefined` when the input is not one of the common, plainly valid shapes; the caller then
 * parses with zod, so unusual and invalid input gets zod's verdict and zod's error issues.
 * A fast path may defer on input zod accepts, never accept input zod refuses
 * (test/fast-parse.test.ts compares the two on random input).
 */

type Plain = Record<string, unknown>

/** An object with the default or no prototype: nothing inherited for zod's `in` and `for...in` to see. */
function isPlain(v: unknown): v is Plain {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** True when `o` has no key outside `allowed` (zod's strictObject refuses any other). */
function onlyKeys(o: Plain, allowed: readonly string[]): boolean {
  for (const k in o) if (!allowed.includes(k)) return false
  return true
}

// zod measures max lengths in code points; a string within `max` UTF-16 units is within `max`
// code points, and a longer one is left to zod. `isCleanString` is the schemas' own string rule.
const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH && isCleanString(v)
const isName = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_LENGTH && isCleanString(v)
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
/** `z.string().max(MAX_ID_LENGTH).nullable().optional()`, normalised to null. */
const nullableText = (v: unknown): string | null | undefined =>
  v == null ? null : typeof v === 'string' && v.length <= MAX_ID_LENGTH && isCleanString(v) ? v : undefined

const DEFER = undefined

/**
 * metadataSchema's output for `v` (the checked deep copy), or `undefined` to let zod name the
 * problem. Both run `checkMetadata`, so they cannot disagree.
 */
export function fastMetadata(v: unknown): Metadata | undefined {
  const checked = checkMetadata(v)
  return checked.ok ? checked.value : DEFER
}

/** `accountSchema` / `keySchema`: the value itself when plainly valid. */
export function fastId(v: unknown): string | undefined {
  return isId(v) ? v : DEFER
}

/** `parse(accountSchema, v, 'account')`, without zod for a plainly valid id. */
export function parseAccount(v: unknown): string {
  return isId(v) ? v : parse(accountSchema, v, 'account')
}

/** Optional metadata: null when absent, the copy when plain, `undefined` to defer. */
function optionalMetadata(v: unknown): Metadata | null | undefined {
  return v === undefined ? null : fastMetadata(v)
}

const RESERVE_KEYS = ['account', 'amount', 'ttl', 'reason', 'idempotencyKey', 'metadata'] as const
const DEBIT_KEYS = ['account', 'amount', 'reason', 'idempotencyKey', 'metadata'] as const
const SETTLE_KEYS = ['holdId', 'amount', 'metadata'] as const
const RELEASE_KEYS = ['holdId'] as const

/** `normalizeReserve` for a ttl in milliseconds (a duration string is left to zod and toMs). */
export function fastReserve(input: unknown): NormalizedReserve | undefined {
  if (!isPlain(input) || !onlyKeys(input, RESERVE_KEYS)) return DEFER
  const { account, amount, ttl, reason, idempotencyKey } = input
  if (!isId(account) || !isAmount(amount) || !isAmount(ttl)) return DEFER
  if ((reason !== undefined && !isId(reason)) || (idempotencyKey !== undefined && !isId(idempotencyKey))) return DEFER
  const metadata = optionalMetadata(input.metadata)
  if (metadata === undefined) return DEFER
  return { account, amount, ttlMs: ttl, reason: reason ?? 'hold', idempotencyKey: idempotencyKey ?? null, metadata }
}

/** `normalizeDebit`. */
export function fastDebit(input: unknown): NormalizedDebit | undefined {
  if (!isPlain(input) || !onlyKeys(input, DEBIT_KEYS)) return DEFER
  const { account, amount, reason, idempotencyKey } = input
  if (!isId(account) || !isAmount(amount) || !isId(reason)) return DEFER
  if (idempotencyKey !== undefined && !isId(idempotencyKey)) return DEFER
  const metadata = optionalMetadata(input.metadata)
  if (metadata === undefined) return DEFER
  return { account, amount, reason, idempotencyKey: idempotencyKey ?? null, metadata }
}

/** `normalizeSettle`. */
export function fastSettle(input: unknown): NormalizedSettle | undefined {
  if (!isPlain(input) || !onlyKeys(input, SETTLE_KEYS)) return DEFER
  const { holdId, amount } = input
  if (!isId(holdId) || !isCount(amount)) return DEFER
  const metadata = optionalMetadata(input.metadata)
  if (metadata === undefined) return DEFER
  return { holdId, amount, metadata }
}

/** `normalizeRelease`. */
export function fastRelease(input: unknown): ReleaseInput | undefined {
  if (!isPlain(input) || !onlyKeys(input, RELEASE_KEYS) || !isId(input.holdId)) return DEFER
  return { holdId: input.holdId }
}

const USAGE_KEYS = [
  'account',
  'userId',
  'feature',
  'amount',
  'shortfall',
  'model',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'quantity',
  'status',
  'latencyMs',
  'metadata',
  'at',
] as const

/** An optional count, 0 when absent; `undefined` to defer. */
const countOrZero = (v: unknown): number | undefined => (v === undefined ? 0 : isCount(v) ? v : DEFER)

/** `normalizeUsageEvent` (`now` fills a missing `at`). */
export function fastUsageEvent(input: unknown, now: number): NormalizedUsageEvent | undefined {
  if (!isPlain(input) || !onlyKeys(input, USAGE_KEYS)) return DEFER
  const { account, feature, amount, status, latencyMs, at } = input
  if (!isId(account) || !isName(feature) || !isCount(amount)) return DEFER
  if (!USAGE_STATUSES.includes(status as UsageStatus)) return DEFER
  const userId = nullableText(input.userId)
  const model = nullableText(input.model)
  const shortfall = countOrZero(input.shortfall)
  const inputTokens = countOrZero(input.inputTokens)
  const cachedInputTokens = countOrZero(input.cachedInputTokens)
  const outputTokens = countOrZero(input.outputTokens)
  const quantity = countOrZero(input.quantity)
  if (
    userId === DEFER ||
    model === DEFER ||
    shortfall === DEFER ||
    inputTokens === DEFER ||
    cachedInputTokens === DEFER ||
    outputTokens === DEFER ||
    quantity === DEFER
  ) {
    return DEFER
  }
  if (latencyMs != null && !isCount(latencyMs)) return DEFER
  const metadata = input.metadata == null ? null : fastMetadata(input.metadata)
  if (metadata === DEFER) return DEFER
  let when: number
  if (at === undefined) when = now
  else if (isCount(at)) when = at
  else if (at instanceof Date && !Number.isNaN(at.getTime())) when = at.getTime()
  else return DEFER
  return {
    account,
    userId,
    feature,
    amount,
    shortfall,
    model,
    inputTokens,
    cachedInputTokens,
    outputTokens,
    quantity,
    status: status as UsageStatus,
    latencyMs: latencyMs ?? null,
    metadata,
    at: when,
  }
}

const CONSUME_KEYS = ['items', 'dryRun'] as const
const ITEM_KEYS = ['key', 'name', 'rule', 'cost'] as const
const RULE_KEYS = ['kind', 'limit', 'windowMs', 'refillAmount'] as const

/** `ruleSpecSchema`, refinements included. */
function isRuleSpec(v: unknown): v is RuleSpec {
  if (!isPlain(v) || !onlyKeys(v, RULE_KEYS)) return false
  const { kind, limit, windowMs, refillAmount } = v
  if (!RULE_KINDS.includes(kind as RuleSpec['kind'])) return false
  if (!isAmount(limit) || !isAmount(windowMs) || !isCount(refillAmount)) return false
  if (kind === 'token_bucket' && refillAmount <= 0) return false
  return kind !== 'sliding_window' || Number.isSafeInteger(limit * windowMs)
}

/**
 * `consumeRequestSchema`: the request itself when plainly valid (stores only read it). Items
 * are compared pairwise for a repeated (key, name): at most 32 of them.
 */
export function fastConsumeRequest(input: unknown): ConsumeRequest | undefined {
  if (!isPlain(input) || !onlyKeys(input, CONSUME_KEYS)) return DEFER
  const { items, dryRun } = input
  if (dryRun !== undefined && typeof dryRun !== 'boolean') return DEFER
  if (!Array.isArray(items) || Object.getPrototypeOf(items) !== Array.prototype) return DEFER
  if (items.length < 1 || items.length > MAX_CONSUME_ITEMS) return DEFER
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i]
    if (!isPlain(item) || !onlyKeys(item, ITEM_KEYS)) return DEFER
    const { key, name } = item
    if (!isId(key) || !isName(name) || !isCount(item.cost) || !isRuleSpec(item.rule)) return DEFER
    for (let j = 0; j < i; j++) {
      const other = items[j] as Plain
      if (other.key === key && other.name === name) return DEFER
    }
  }
  return input as unknown as ConsumeRequest
}
