import { type ConsumeRequest, consumeRequestSchema, isCleanString, parse } from '@metered/core'

const KINDS = new Set(['fixed_window', 'sliding_window', 'token_bucket'])
const ITEM_KEYS = new Set(['key', 'name', 'rule', 'cost'])
const RULE_KEYS = new Set(['kind', 'limit', 'windowMs', 'refillAmount'])

const isPositive = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0
const isNonNegative = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0
// core's string rule (well-formed, no NUL) with the schema's lengths
const isText = (s: unknown, max: number): boolean =>
  typeof s === 'string' && s.length >= 1 && s.length <= max && isCleanString(s)
const onlyKeys = (o: object, allowed: Set<string>): boolean => Object.keys(o).every((k) => allowed.has(k))

/**
 * The same bounds as core's `consumeRequestSchema`, checked by hand: `limit()` already
 * validated the request with zod, and a second zod pass per call costs as much as the Redis
 * round trip it guards. Anything this fast path does not accept goes through the schema, so bad
 * input still fails with the same `ValidationError` as every other store.
 */
export function checkConsumeRequest(request: ConsumeRequest): ConsumeRequest {
  return fastAccepts(request) ? request : (parse(consumeRequestSchema, request, 'consume request') as ConsumeRequest)
}

/**
 * True only for requests the schema accepts too (test/consume-request.test.ts checks that with
 * generated requests, so a stricter schema in core shows up as a failing test here).
 */
export function fastAccepts(request: ConsumeRequest): boolean {
  if (typeof request !== 'object' || request === null) return false
  const { items, dryRun } = request
  return (
    Object.keys(request).every((k) => k === 'items' || k === 'dryRun') &&
    (dryRun === undefined || typeof dryRun === 'boolean') &&
    Array.isArray(items) &&
    items.length >= 1 &&
    items.length <= 32 &&
    items.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        onlyKeys(item, ITEM_KEYS) &&
        isText(item.key, 200) &&
        isText(item.name, 100) &&
        isNonNegative(item.cost) &&
        typeof item.rule === 'object' &&
        item.rule !== null &&
        onlyKeys(item.rule, RULE_KEYS) &&
        KINDS.has(item.rule.kind) &&
        isPositive(item.rule.limit) &&
        isPositive(item.rule.windowMs) &&
        isNonNegative(item.rule.refillAmount) &&
        // the schema's refinements: buckets refill; sliding windows compare limit * windowMs exactly
        (item.rule.kind !== 'token_bucket' || item.rule.refillAmount > 0) &&
        (item.rule.kind !== 'sliding_window' || Number.isSafeInteger(item.rule.limit * item.rule.windowMs)),
    ) &&
    // one item per (key, name)
    new Set(items.map((i) => `${i.key.length}:${i.key}${i.name}`)).size === items.length
  )
}
