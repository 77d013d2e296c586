import { systemClock } from '../clock.js'
import { toMs } from '../duration.js'
import { MeteredError, ValidationError } from '../errors.js'
import type { LimitResult } from '../limiter/limiter-types.js'
import { ceil, mul, rational } from '../pricing/rational.js'
import type { MeteredUsage } from '../pricing/types.js'
import { accountSchema, parse } from '../schemas.js'
import { createAllowanceGranter } from './allowances.js'
import { createTicket } from './ticket.js'
import type {
  AuthorizeInput,
  AuthorizeResult,
  Metered,
  MeteredEvent,
  MeteredOptions,
  SettleTicketInput,
  TicketSettlement,
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
  const unitsPerCredit = options.unitsPerCredit ?? 1
  if (!Number.isSafeInteger(unitsPerCredit) || unitsPerCredit <= 0) {
    throw new ValidationError([{ path: 'unitsPerCredit', message: 'must be a positive integer' }])
  }
  const clock = options.clock ?? systemClock
  const holdTtlMs = toMs(options.holdTtl ?? DEFAULT_HOLD_TTL, 'holdTtl')
  const pricing = options.pricing ?? {}
  const upc = rational(unitsPerCredit)
  const limiter = options.limiter ?? null

  function emit(event: MeteredEvent) {
    if (!options.onEvent) return
    try {
      Promise.resolve(options.onEvent(event)).catch(() => {})
    } catch {
      // an app's event handler must never break the money path
    }
  }

  function toUnits(credits: number): number {
    if (!Number.isFinite(credits) || credits < 0) {
      throw new ValidationError([{ path: 'credits', message: 'must be a finite number of 0 or more' }])
    }
    return ceil(mul(rational(credits), upc))
  }

  function priceUnits(feature: string, usage: MeteredUsage): number {
    const pricer = pricing[feature]
    if (!pricer) throw new ValidationError([{ path: 'feature', message: `no pricer configured for "${feature}"` }])
    return ceil(mul(pricer.price(usage), upc))
  }

  function unitsFor(feature: string, input: SettleTicketInput): number {
    if (input.units !== undefined) return input.units
    if (input.credits !== undefined) return toUnits(input.credits)
    if (input.usage) return priceUnits(feature, input.usage)
    return 0
  }

  const ensureAllowances = options.allowances
    ? createAllowanceGranter({ ledger: options.ledger, clock, allowances: options.allowances, toUnits, emit })
    : async () => {}

  const ticketDeps = {
    ledger: options.ledger,
    usage: options.usage ?? null,
    clock,
    emit,
    unitsFor,
    lowBalanceUnits: options.lowBalanceCredits === undefined ? null : toUnits(options.lowBalanceCredits),
  }

  async function authorize(input: AuthorizeInput): Promise<AuthorizeResult> {
    const account = parse(accountSchema, input.account, 'account')
    if ((input.price === undefined) === (input.estimate === undefined)) {
      throw new ValidationError([{ path: 'estimate', message: 'give exactly one of price and estimate' }])
    }
    const mode = input.price !== undefined ? 'debit' : 'reserve'
    const amount =
      input.price !== undefined
        ? toUnits(input.price)
        : typeof input.estimate === 'number'
          ? toUnits(input.estimate)
          : priceUnits(input.feature, input.estimate!)
    // A zero-price call still takes one unit of hold, so the ledger's positive-amount rule holds;
    // a fixed price of 0 skips the ledger entirely.
    const holdAmount = Math.max(1, amount)

    await ensureAllowances(account, input.plan)

    // Ledger first: a hold is reversible without a trace, a limiter consumption is not; so a
    // refusal by either side leaves nothing consumed anywhere (see docs/metering.md).
    const reserved = await options.ledger.reserve({
      account,
      amount: holdAmount,
      ttl: input.ttl ?? holdTtlMs,
      reason: input.feature,
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    })
    if (!reserved.ok) {
      emit({ type: 'denied', account, feature: input.feature, reason: 'insufficient_credits' })
      return {
        ok: false,
        reason: 'insufficient_credits',
        available: reserved.available,
        required: reserved.required,
        limit: null,
      }
    }

    let limit: LimitResult | null = null
    if (limiter && input.limitKey !== null) {
      const cost: Record<string, number> = {}
      for (const name of input.spendCaps ?? []) cost[name] = amount
      try {
        limit = await limiter.limit(input.limitKey ?? account, {
          cost,
          ...(input.limitRules ? { rules: input.limitRules } : {}),
          ...(input.limitContext ? { ctx: input.limitContext } : {}),
        })
      } catch (error) {
        await options.ledger.release({ holdId: reserved.hold.id })
        throw error
      }
      if (!limit.success) {
        const released = await options.ledger.release({ holdId: reserved.hold.id })
        const reason = limit.reason === 'store_unavailable' ? 'store_unavailable' : 'rate_limited'
        emit({ type: 'denied', account, feature: input.feature, reason })
        return { ok: false, reason, limit, available: released.ok ? released.available : null }
      }
    }

    let charged: TicketSettlement | null = null
    let available = reserved.available
    if (mode === 'debit') {
      const settled = await options.ledger.settle({ holdId: reserved.hold.id, amount })
      if (!settled.ok) throw new MeteredError('invariant_violation', `fixed charge failed: ${settled.reason}`)
      charged = { charged: settled.charged, shortfall: settled.shortfall, available: settled.available }
      available = settled.available
    }

    const ticket = createTicket(ticketDeps, {
      account,
      feature: input.feature,
      mode,
      holdId: reserved.hold.id,
      amount,
      charged,
      userId: input.userId ?? null,
      metadata: input.metadata ?? null,
    })
    return { ok: true, ticket, limit, available }
  }

  return {
    ledger: options.ledger,
    limiter,
    usage: options.usage ?? null,
    users: options.users ?? null,
    unitsPerCredit,
    authorize,
    priceUnits,
    toCredits: (units) => units / unitsPerCredit,
    toUnits,
    ensureAllowances,
  }
}
