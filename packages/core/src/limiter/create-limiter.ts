import { driverOf } from '../driver-of.js'
import { type Duration, toMs } from '../duration.js'
import { isMeteredError, type MeteredError, StoreUnavailableError, ValidationError } from '../errors.js'
import { keySchema, parse } from '../schemas.js'
import { registerCheckedPlan } from './checked-plan.js'
import { isConsumeResult, ruleResults, summarise, unavailableResult } from './limit-result.js'
import type { LimiterDriver } from './limiter-driver.js'
import { limiterOptionsSchema, limitOptionsSchema, resetOptionsSchema, rulesSchema } from './limiter-options.js'
import type {
  LimitContext,
  Limiter,
  LimiterOptions,
  LimitOptions,
  LimitResult,
  RuleResult,
  Rules,
} from './limiter-types.js'
import type { ConsumeRequest, ConsumeResult, LimiterStore } from './types.js'
import { withTimeout } from './with-timeout.js'

/** The options of a call that gives none: frozen, so it is always the empty options. */
const NO_OPTIONS: LimitOptions = Object.freeze({})

/**
 * A rate limiter over a `LimiterStore`: every call checks and consumes all its rules in ONE
 * store call, all or nothing (docs/semantics.md, Limiter store).
 *
 * - `limit(key, { cost, rules, ctx })` consumes `cost` (default 1; a record gives per-rule costs,
 *   rules it does not name cost 1, names that are not among the applied rules are ignored, so
 *   one cost record fits callers whose rule sets differ).
 * - `peek(key)` consumes nothing. `remaining` and `reset` are the state as it is; `ok`
 *   says whether a call of cost 1 would pass now, and `retryAfter` when it would. (A second,
 *   dry store call asks the exhausted rules for their `retryAfter`, only when some are.)
 * - `reset(key)` forgets the key's state for all (or the given) rules, in the fallback store too.
 *
 * Bad input (empty key, negative or fractional cost, unknown rule names in `rules`) throws
 * `ValidationError` before the store is touched. Store failures never throw from `limit` or
 * `peek`: a store that throws or answers later than `timeout` gives the `onStoreError` policy's
 * result, with `reason: 'store_unavailable'`. The store port has no AbortSignal, so a timeout
 * abandons the wait, not the call: a late store may still consume.
 * @example
 * const limiter = createLimiter({
 *   store: createMemoryLimiterStore(),
 *   rules: { burst: tokenBucket({ capacity: 10, refillEvery: '1 s' }), day: fixedWindow({ limit: 1000, window: '1 d' }) },
 *   onStoreError: 'deny',
 *   timeout: '200 ms',
 * })
 * const r = await limiter.limit(userId)
 * if (!r.ok) return new Response('Too many requests', { status: 429 })
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const parsed = parse(limiterOptionsSchema, options, 'limiter options')
  const store = parsed.store
  const policy = parsed.onStoreError ?? 'deny'
  const timeoutMs = toMs((parsed.timeout ?? '1 s') as Duration, 'timeout')
  const prefix = parsed.prefix ?? ''
  const onError = parsed.onError
  function report(error: unknown): void {
    try {
      onError?.(error)
    } catch {
      // A failing error hook must not turn a policy result into an exception.
    }
  }
  const ruleSource = options.rules
  // Rules returned by a rules function are validated once per object they return.
  const validated = new WeakSet<Rules>()
  if (typeof ruleSource !== 'function') validated.add(ruleSource)

  function rulesFor(ctx: LimitContext = {}): Rules {
    const rules = typeof ruleSource === 'function' ? ruleSource(ctx) : ruleSource
    if (!validated.has(rules)) {
      parse(rulesSchema, rules, 'rules')
      validated.add(rules)
    }
    return rules
  }

  function fullKey(key: unknown): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw new ValidationError([{ path: 'key', message: 'must be a non-empty string' }], 'limiter key')
    }
    try {
      return parse(keySchema, `${prefix}${key}`, 'limiter key (with prefix)')
    } catch (error) {
      // every issue on `key`: callers tell a bad key from a bad option by the path
      if (!(error instanceof ValidationError)) throw error
      throw new ValidationError(
        error.issues.map((i) => ({ path: 'key', message: i.message })),
        'limiter key (with prefix)',
      )
    }
  }

  function selectRules(rules: Rules, names: string[] | undefined): string[] {
    if (!names) return Object.keys(rules)
    const unknown = names.filter((n) => !Object.hasOwn(rules, n))
    if (unknown.length > 0) {
      throw new ValidationError(
        unknown.map((n) => ({ path: 'rules', message: `no rule named "${n}"` })),
        'limit options',
      )
    }
    return [...new Set(names)]
  }

  /** `checked`: the options were validated by the caller inside core (see checked-plan.ts). */
  function buildRequest(key: string, opts: LimitOptions, dryRun: boolean, checked = false): ConsumeRequest {
    // A checked key is a valid id already; without a prefix it is the whole store key.
    const k = checked && prefix === '' ? key : fullKey(key)
    // No options, nothing to check: the common `limit(key)` skips that parse.
    const {
      cost,
      rules: names,
      ctx,
    } = checked || opts === NO_OPTIONS ? opts : parse(limitOptionsSchema, opts, 'limit options')
    const rules = rulesFor(ctx as LimitContext | undefined)
    const items = selectRules(rules, names).map((name) => ({
      key: k,
      name,
      rule: rules[name]!,
      cost: typeof cost === 'number' ? cost : (cost?.[name] ?? 1),
    }))
    const request: ConsumeRequest = { items }
    if (dryRun) request.dryRun = true
    // Rules were validated once, names are unique, the key and costs were checked above: the
    // request is what consumeRequestSchema accepts, so stores see no surprises and bad input
    // was a ValidationError before any store call.
    return request
  }

  /**
   * One store call for `request`, its result checked and mapped by `finish`. The request was
   * planned here from validated rules, key and costs: a driver behind the store takes it as it
   * is; any other store validates it itself. Chained, not awaited: this runs on every limited call.
   */
  function consume<T>(target: LimiterStore, request: ConsumeRequest, finish: (result: ConsumeResult) => T): Promise<T> {
    const consumer = driverOf<LimiterDriver>(target) ?? target
    return withTimeout(() => consumer.consume(request), timeoutMs).then(
      (result: unknown) => {
        if (!isConsumeResult(result, request))
          throw new StoreUnavailableError('The limiter store gave a malformed result')
        return finish(result)
      },
      (error: unknown) => {
        throw toStoreError(error)
      },
    )
  }

  /** After `decide` failed on the store: the `onStoreError` policy's result. Never throws. */
  async function failover(
    request: ConsumeRequest,
    error: unknown,
    decide: (target: LimiterStore) => Promise<LimitResult>,
  ): Promise<LimitResult> {
    report(error)
    if (policy === 'deny' || policy === 'allow') return unavailableResult(request, policy === 'allow', Date.now())
    try {
      const result = await decide(policy.fallback)
      return { ...result, reason: 'store_unavailable' }
    } catch (error) {
      report(error)
      return unavailableResult(request, false, Date.now())
    }
  }

  /** Runs `decide` on the store, and on failure applies the policy. Never throws. */
  function withPolicy(
    request: ConsumeRequest,
    decide: (target: LimiterStore) => Promise<LimitResult>,
  ): Promise<LimitResult> {
    let decided: Promise<LimitResult>
    try {
      decided = decide(store)
    } catch (error) {
      decided = Promise.reject(error)
    }
    return decided.then(undefined, (error: unknown) => failover(request, error, decide))
  }

  async function peekOn(target: LimiterStore, request: ConsumeRequest): Promise<LimitResult> {
    const seen = await consume(target, request, asIs)
    const rules: RuleResult[] = ruleResults(seen, request).map((r) => ({ ...r, ok: r.remaining >= 1 }))
    // remaining >= 1 is exactly "a cost-1 call would pass" for all three algorithms; only
    // exhausted rules need asking when such a call would pass.
    const exhausted = request.items.filter((_, i) => !rules[i]!.ok).map((item) => ({ ...item, cost: 1 }))
    if (exhausted.length > 0) {
      const retryRequest: ConsumeRequest = { items: exhausted, dryRun: true }
      const retry = await consume(target, retryRequest, asIs)
      for (const [i, item] of exhausted.entries()) {
        const rule = rules.find((r) => r.name === item.name)!
        rule.retryAfter = retry.rules[i]!.retryAfter
        rule.ok = retry.rules[i]!.allowed
      }
    }
    return summarise(rules)
  }

  const limiter: Limiter = {
    limit(key, opts = NO_OPTIONS) {
      let request: ConsumeRequest
      try {
        request = buildRequest(key, opts, false)
      } catch (error) {
        return Promise.reject(error)
      }
      return withPolicy(request, (target) =>
        consume(target, request, (result) => summarise(ruleResults(result, request))),
      )
    },

    async peek(key, opts = {}) {
      const request = buildRequest(key, { ...opts, cost: 0 }, true)
      return withPolicy(request, (target) => peekOn(target, request))
    },

    async reset(key, opts = {}) {
      const k = fullKey(key)
      const { rules: names, ctx } = parse(resetOptionsSchema, opts, 'reset options')
      // Any name may be reset, even one the current rules no longer have (stale state).
      const all = names ?? Object.keys(rulesFor(ctx as LimitContext | undefined))
      try {
        await withTimeout(() => store.reset(k, all), timeoutMs)
      } catch (error) {
        throw toStoreError(error)
      }
      if (typeof policy === 'object') {
        // Best effort: the fallback only matters while the main store is down.
        await withTimeout(() => policy.fallback.reset(k, all), timeoutMs).catch(report)
      }
    },

    rulesFor,
    store,
    plan: (key, opts = {}) => buildRequest(key, opts, false),
    interpret: (request, result) => summarise(ruleResults(result, request)),
  }
  registerCheckedPlan(limiter, (key, opts) => buildRequest(key, opts, false, true))
  return limiter
}

const asIs = (result: ConsumeResult): ConsumeResult => result

/** Store failures as metered errors: timeouts and adapters' own store errors pass, anything else is wrapped. */
function toStoreError(error: unknown): MeteredError {
  if (isMeteredError(error) && (error.code === 'store_timeout' || error.code === 'store_unavailable')) return error
  return new StoreUnavailableError('The limiter store failed', { cause: error })
}
