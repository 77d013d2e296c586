import { createAuthorizeInputParser } from '../authorize-input-parser.js'
import { systemClock } from '../clock.js'
import { driverOf } from '../driver-of.js'
import { toMs } from '../duration.js'
import { MeteredError, ValidationError } from '../errors.js'
import type { LedgerDriver } from '../ledger/ledger-driver.js'
import { fingerprint } from '../ledger/normalize.js'
import type { NormalizedReserve } from '../ledger/normalized.js'
import type { DebitResult, Metadata, ReserveResult } from '../ledger/types.js'
import { checkedPlanOf } from '../limiter/checked-plan.js'
import type { LimitOptions, LimitResult } from '../limiter/limiter-types.js'
import { createCredits } from '../pricing/credits.js'
import { ceil, mul, rational } from '../pricing/rational.js'
import type { MeteredUsage } from '../pricing/types.js'
import type { UsageDriver } from '../usage/usage-driver.js'
import { checkedUsageField } from '../usage/usage-field.js'
import { createAllowanceGranter } from './allowances.js'
import type { AuthorizerDriver } from './authorizer-driver.js'
import { createTicket } from './ticket.js'
import type {
  AuthorizeInput,
  AuthorizeRefusal,
  AuthorizeResult,
  Metered,
  MeteredEvent,
  MeteredOptions,
  Refusal,
  SettleTicketInput,
} from './types.js'

const DEFAULT_HOLD_TTL = '10 m'

/**
 * The metering flow, framework-free: `authorize` (rate limit + hold or charge, all or nothing),
 * then `ticket.settle(actual)` or `ticket.cancel()`. `@metered/next` is a thin skin over this.
 *
 * @example
 * const metered = createMetered({ ...createMemoryStores(), limiter, unitsPerCredit: 1000,
 *   pricing: { generate: perToken({ markup: 1.3, creditValue: 0.001 }) } })
 * const auth = await metered.authorize({ account: 'u1', feature: 'generate',
 *   estimate: { model: 'gpt-4.1-nano', inputTokens: 1200, outputTokens: 1000 } })
 * if (auth.ok) await auth.ticket.settle({ usage: fromResponses(response) })
 */
export function createMetered(options: MeteredOptions): Metered {
  const credits = createCredits(options.unitsPerCredit ?? 1)
  const toUnits = (amount: number) => credits.toUnits(amount)
  const clock = options.clock ?? systemClock
  const holdTtlMs = toMs(options.holdTtl ?? DEFAULT_HOLD_TTL, 'holdTtl')
  const pricing = options.pricing ?? {}
  const upc = rational(credits.unitsPerCredit)
  const limiter = options.limiter ?? null
  const parseAuthorizeInput = createAuthorizeInputParser()

  function emit(event: MeteredEvent) {
    if (!options.onEvent) return
    try {
      Promise.resolve(options.onEvent(event)).catch(() => {})
    } catch {
      // an app's event handler must never break the money path
    }
  }

  function priceUnits(feature: string, usage: MeteredUsage): number {
    const pricer = pricing[feature]
    if (!pricer) throw new ValidationError([{ path: 'feature', message: `no pricer configured for "${feature}"` }])
    return ceil(mul(pricer.price(usage), upc))
  }

  /** Units for a settle: the caller's units and priced usage checked as an amount; credits convert to safe integers. */
  function unitsFor(feature: string, input: SettleTicketInput): number {
    if (input.units !== undefined) return checkedUsageField('amount', input.units, 'settle')
    if (input.credits !== undefined) return toUnits(input.credits)
    if (input.usage) return checkedUsageField('amount', priceUnits(feature, input.usage), 'settle')
    return 0
  }

  const allowanceGranter = options.allowances
    ? createAllowanceGranter({ ledger: options.ledger, clock, allowances: options.allowances, toUnits, emit })
    : null
  const ensureAllowances = allowanceGranter ?? (async () => {})

  const expiringMs = options.expiringWithin === undefined ? null : toMs(options.expiringWithin, 'expiringWithin')
  const warned = new Set<string>()
  async function checkExpiring(account: string): Promise<void> {
    const now = clock.now()
    const { grants } = await options.ledger.balance(account)
    for (const g of grants) {
      if (g.expiresAt === null || g.expiresAt - now > expiringMs! || warned.has(g.id)) continue
      if (warned.size >= 10_000) warned.clear()
      warned.add(g.id)
      emit({
        type: 'grant_expiring',
        account,
        grantId: g.id,
        source: g.source,
        remaining: g.remaining,
        expiresAt: g.expiresAt,
      })
    }
  }

  const ledgerDriver = driverOf<LedgerDriver>(options.ledger)
  const ticketDeps = {
    checkExpiring: expiringMs === null ? null : checkExpiring,
    ledger: options.ledger,
    ledgerDriver: ledgerDriver ?? null,
    usage: options.usage ?? null,
    usageDriver: options.usage ? (driverOf<UsageDriver>(options.usage) ?? null) : null,
    clock,
    emit,
    unitsFor,
    lowBalanceUnits: options.lowBalanceCredits === undefined ? null : toUnits(options.lowBalanceCredits),
  }

  const authorizer = options.authorizer ?? null
  // The drivers behind ports built by the `*From` builders: `authorize` validates its input
  // once (as the reserve it is) and hands the drivers that normalised input directly.
  const authorizerDriver = authorizer && driverOf<AuthorizerDriver>(authorizer)

  /** The call's hold (or, for a charge, its debit) through the driver when there is one, else the port. */
  function reserveOnce(n: NormalizedReserve, input: AuthorizeInput): Promise<ReserveResult> {
    if (ledgerDriver) return ledgerDriver.reserve(n, printOf(n))
    return options.ledger.reserve(
      keyed(input, { account: n.account, amount: n.amount, ttl: n.ttlMs, reason: n.reason }),
    )
  }
  function debitOnce(n: NormalizedReserve, input: AuthorizeInput): Promise<DebitResult> {
    const { account, amount, reason, idempotencyKey, metadata } = n
    if (ledgerDriver) {
      const debit = { account, amount, reason, idempotencyKey, metadata }
      return ledgerDriver.debit(debit, idempotencyKey === null ? null : fingerprint('debit', debit))
    }
    return options.ledger.debit(keyed(input, { account, amount, reason }))
  }

  function refused(refusal: Refusal, account: string, feature: string): AuthorizeRefusal {
    emit({ type: 'denied', account, feature, ...refusal })
    return { ok: false, ...refusal }
  }

  function refusedForCredits(available: number, required: number, account: string, feature: string): AuthorizeResult {
    return refused(
      { reason: 'insufficient_credits', available, required, retryAfter: null, limit: null },
      account,
      feature,
    )
  }

  /** `held` is the call as validated at authorize: its account and metadata are not checked again. */
  function ticketFor(
    input: AuthorizeInput,
    held: NormalizedReserve,
    mode: 'debit' | 'reserve',
    holdId: string | null,
    amount: number,
    available: number,
  ) {
    return createTicket(ticketDeps, {
      account: held.account,
      feature: input.feature,
      mode,
      holdId,
      amount,
      charged: mode === 'debit' ? { charged: amount, shortfall: 0, available } : null,
      userId: input.userId ?? null,
      metadata: held.metadata,
    })
  }

  async function authorize(raw: AuthorizeInput): Promise<AuthorizeResult> {
    if ((raw.price === undefined) === (raw.estimate === undefined)) {
      throw new ValidationError([{ path: 'estimate', message: 'give exactly one of price and estimate' }])
    }
    // The one check of the call: what reaches the stores and what the ticket records at settle
    // (the usage event's rules for the feature and the user id), so a call that could not be
    // recorded is refused before anything is held.
    const input = parseAuthorizeInput(raw) as AuthorizeInput
    const mode = input.price !== undefined ? 'debit' : 'reserve'
    const { estimate } = input
    // Anything but credits (a number) or usage (an object) would price as empty usage: refuse it.
    if (estimate !== undefined && typeof estimate !== 'number' && (typeof estimate !== 'object' || estimate === null)) {
      throw new ValidationError([{ path: 'estimate', message: 'must be credits (a number) or usage (an object)' }])
    }
    const amount =
      input.price !== undefined
        ? toUnits(input.price)
        : typeof estimate === 'number'
          ? toUnits(estimate)
          : priceUnits(input.feature, estimate!)
    const limited = limiter !== null && input.limitKey !== null
    // Optional options only when given: an absent option and an undefined one are not the same
    // (exactOptionalPropertyTypes).
    const limitOptions = (): LimitOptions => {
      const opts: LimitOptions = {}
      if (input.spendCaps) {
        const cost: Record<string, number> = {}
        for (const name of input.spendCaps) cost[name] = amount
        opts.cost = cost
      }
      if (input.limitRules) opts.rules = input.limitRules
      if (input.limitContext) opts.ctx = input.limitContext
      return opts
    }
    // The reserve (or charge) this call is. A zero estimate still holds one unit, so the ledger's
    // positive-amount rule holds; the settle charges what was actually used. Credits convert to
    // safe integers or are refused by the credit unit; a priced estimate past the safe-integer
    // range is refused here as the hold's `amount`.
    const holdUnits = Math.max(1, amount)
    const held: NormalizedReserve = {
      account: input.account,
      amount: typeof estimate === 'object' ? checkedUsageField('amount', holdUnits, 'authorize') : holdUnits,
      ttlMs: input.ttl === undefined ? holdTtlMs : toMs(input.ttl, 'ttl'),
      reason: input.feature,
      idempotencyKey: input.idempotencyKey ?? null,
      metadata: input.metadata ?? null,
    }
    const holdAmount = held.amount
    const account = held.account

    // Without allowances there is nothing to await (a microtask saved on every call).
    if (allowanceGranter) await allowanceGranter(account, input.plan)

    // Free call: nothing to charge, only limits.
    if (mode === 'debit' && amount === 0) {
      let limit: LimitResult | null = null
      if (limited) {
        limit = await limiter.limit(input.limitKey ?? account, limitOptions())
        if (!limit.ok) return refusedByLimit(limit, account, input.feature, null)
      }
      const { available } = await options.ledger.balance(account)
      return { ok: true, ticket: ticketFor(input, held, 'debit', null, 0, available), limit, available }
    }

    // One step: limits and balance decided and consumed together by the store that holds both.
    if (limited && authorizer && authorizer.limiterStore === limiter.store) {
      const request = checkedPlanOf(limiter)(input.limitKey ?? account, limitOptions())
      const charge = mode === 'debit'
      const result = authorizerDriver
        ? await authorizerDriver.authorize({ reserve: held, fingerprint: printOf(held), charge, items: request.items })
        : await authorizer.authorize(
            keyed(input, {
              account,
              amount: held.amount,
              ttl: held.ttlMs,
              reason: input.feature,
              charge,
              limits: request,
            }),
          )
      const limit = limiter.interpret(request, result.limits)
      if (!result.ok) {
        return result.reason === 'insufficient_credits'
          ? refusedForCredits(result.available, result.required, account, input.feature)
          : refusedByLimit(limit, account, input.feature, result.available)
      }
      const ticket = ticketFor(
        input,
        held,
        mode,
        result.holdId,
        mode === 'debit' ? amount : holdAmount,
        result.available,
      )
      return { ok: true, ticket, limit, available: result.available }
    }

    // No limits: one ledger call.
    if (!limited) {
      if (mode === 'debit') {
        const debited = await debitOnce(held, input)
        if (!debited.ok) return refusedForCredits(debited.available, debited.required, account, input.feature)
        const ticket = ticketFor(input, held, 'debit', null, amount, debited.available)
        return { ok: true, ticket, limit: null, available: debited.available }
      }
      const reserved = await reserveOnce(held, input)
      if (!reserved.ok) return refusedForCredits(reserved.available, reserved.required, account, input.feature)
      const ticket = ticketFor(input, held, 'reserve', reserved.hold.id, holdAmount, reserved.available)
      return { ok: true, ticket, limit: null, available: reserved.available }
    }

    // Two steps (limiter and ledger in different stores). Ledger first: a hold is given back
    // without a trace, a limiter consumption is not; so a refusal by either side leaves nothing
    // consumed anywhere (see docs/metering.md for what a concurrent observer can see).
    const reserved = await reserveOnce(held, input)
    if (!reserved.ok) return refusedForCredits(reserved.available, reserved.required, account, input.feature)
    // A retry of a call that got its hold: the limits were consumed by that call. Report them
    // as they stand (nothing consumed) and never refuse or release the original's hold. A call
    // the limiter refused released its hold, and a released hold frees its key, so its retry
    // never lands here: it is evaluated afresh below, limiter included.
    if (reserved.replayed) return replayedTwoStep(input, held, mode, amount, holdAmount, reserved, limitOptions)

    let limit: LimitResult
    try {
      limit = await limiter.limit(input.limitKey ?? account, limitOptions())
    } catch (error) {
      await options.ledger.release({ holdId: reserved.hold.id })
      throw error
    }
    if (!limit.ok) {
      const released = await options.ledger.release({ holdId: reserved.hold.id })
      return refusedByLimit(limit, account, input.feature, released.ok ? released.available : null)
    }
    if (mode === 'debit') {
      const settled = await options.ledger.settle({ holdId: reserved.hold.id, amount })
      if (!settled.ok) throw new MeteredError('invariant_violation', `fixed charge failed: ${settled.reason}`)
      const ticket = ticketFor(input, held, 'debit', null, amount, settled.available)
      return { ok: true, ticket, limit, available: settled.available }
    }
    const ticket = ticketFor(input, held, 'reserve', reserved.hold.id, holdAmount, reserved.available)
    return { ok: true, ticket, limit, available: reserved.available }
  }

  /** A keyed call's fingerprint, null without a key. */
  function printOf(n: NormalizedReserve): string | null {
    return n.idempotencyKey === null ? null : fingerprint('reserve', n)
  }

  async function replayedTwoStep(
    input: AuthorizeInput,
    held: NormalizedReserve,
    mode: 'debit' | 'reserve',
    amount: number,
    holdAmount: number,
    reserved: { hold: { id: string }; available: number },
    limitOptions: () => LimitOptions,
  ): Promise<AuthorizeResult> {
    const { account } = held
    const { cost: _unused, ...peekOptions } = limitOptions()
    const limit = await limiter!.peek(input.limitKey ?? account, peekOptions)
    if (mode === 'reserve') {
      const ticket = ticketFor(input, held, 'reserve', reserved.hold.id, holdAmount, reserved.available)
      return { ok: true, ticket, limit, available: reserved.available }
    }
    // The settle replays the original charge (same hold, same amount), or makes it for an
    // original that stopped between its reserve and its settle. A closed hold means the original,
    // running concurrently, was refused by the limiter and released the hold after this call's
    // reserve replayed it: refused as that call was.
    const settled = await options.ledger.settle({ holdId: reserved.hold.id, amount })
    if (!settled.ok) return refusedByLimit(limit, account, input.feature, reserved.available)
    const ticket = ticketFor(input, held, 'debit', null, amount, settled.available)
    return { ok: true, ticket, limit, available: settled.available }
  }

  function refusedByLimit(
    limit: LimitResult,
    account: string,
    feature: string,
    available: number | null,
  ): AuthorizeResult {
    const reason = limit.reason === 'store_unavailable' ? 'store_unavailable' : 'rate_limited'
    return refused({ reason, available, required: null, retryAfter: limit.retryAfter, limit }, account, feature)
  }

  return {
    ledger: options.ledger,
    limiter,
    usage: options.usage ?? null,
    users: options.users ?? null,
    credits,
    authorize,
    priceUnits,
    ensureAllowances,
  }
}

/** `store` plus the call's idempotency key and metadata, when given. */
function keyed<T extends object>(
  input: AuthorizeInput,
  store: T,
): T & { idempotencyKey?: string; metadata?: Metadata } {
  const out: T & { idempotencyKey?: string; metadata?: Metadata } = store
  if (input.idempotencyKey) out.idempotencyKey = input.idempotencyKey
  if (input.metadata) out.metadata = input.metadata
  return out
}
