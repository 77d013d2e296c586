import type { Clock } from '../clock.js'
import { MeteredError } from '../errors.js'
import type { LedgerDriver } from '../ledger/ledger-driver.js'
import type { Ledger, Metadata } from '../ledger/types.js'
import type { MeteredUsage } from '../pricing/types.js'
import type { NormalizedUsageRecord } from '../usage/normalized.js'
import type { UsageEventInput, UsageStatus, UsageStore } from '../usage/types.js'
import type { UsageDriver } from '../usage/usage-driver.js'
import { checkedUsageField } from '../usage/usage-field.js'
import type { MeteredEvent, SettleTicketInput, Ticket, TicketSettlement } from './types.js'

interface TicketDeps {
  ledger: Ledger
  /**
   * The driver behind `ledger`, when it was built with `ledgerFrom`: the hold id came from the
   * store and the amount and metadata are checked here, so the ticket settles through it directly.
   */
  ledgerDriver: LedgerDriver | null
  usage: UsageStore | null
  /** The driver behind `usage`, when it was built with `usageStoreFrom`. */
  usageDriver: UsageDriver | null
  clock: Clock
  emit: (event: MeteredEvent) => void
  /** Units for a settle input (pricer, credits or units), checked as a ledger amount. */
  unitsFor: (feature: string, input: SettleTicketInput) => number
  lowBalanceUnits: number | null
  /** Checks the account's grants for ones about to expire (see `expiringWithin`). */
  checkExpiring: ((account: string) => Promise<void>) | null
}

interface TicketInit {
  account: string
  feature: string
  mode: 'debit' | 'reserve'
  /** The open hold (reserve mode); null in debit mode. */
  holdId: string | null
  amount: number
  /** For debit mode: what was charged at authorize. */
  charged: TicketSettlement | null
  userId: string | null
  /** Validated at authorize (a plain-JSON copy): recorded with the usage event as it is. */
  metadata: Metadata | null
}

function quantityOf(usage: MeteredUsage | undefined): number {
  if (!usage) return 0
  const tools = Object.values(usage.toolCalls ?? {}).reduce((a, b) => a + b, 0)
  return (usage.images?.count ?? 0) + tools
}

/**
 * The usage event of a settled ticket as the usage driver takes it. The account, user, feature
 * and the authorize's metadata were validated at authorize, amounts come from the ledger and
 * latency from the clock; the usage the caller gave goes through the usage event schema's rule
 * for each field, once. `status` and `metadata` were checked where the caller gave them.
 */
function usageRecord(
  init: TicketInit,
  status: UsageStatus,
  usage: MeteredUsage | undefined,
  result: TicketSettlement,
  metadata: Metadata | null,
  latencyMs: number,
): NormalizedUsageRecord {
  return {
    account: init.account,
    userId: init.userId,
    feature: init.feature,
    amount: result.charged,
    shortfall: result.shortfall,
    model: usage?.model == null ? null : checkedUsageField('model', usage.model),
    inputTokens: usage ? checkedUsageField('inputTokens', usage.inputTokens ?? 0) : 0,
    cachedInputTokens: usage ? checkedUsageField('cachedInputTokens', usage.cachedInputTokens ?? 0) : 0,
    outputTokens: usage ? checkedUsageField('outputTokens', usage.outputTokens ?? 0) : 0,
    quantity: usage ? checkedUsageField('quantity', quantityOf(usage)) : 0,
    status,
    latencyMs,
    metadata: metadata ?? init.metadata,
    at: null,
  }
}

/** A ticket settles or cancels once; later calls return the first outcome. */
export function createTicket(deps: TicketDeps, init: TicketInit): Ticket {
  const startedAt = deps.clock.now()
  let outcome: Promise<TicketSettlement> | null = null

  async function record(
    status: UsageStatus,
    usage: MeteredUsage | undefined,
    result: TicketSettlement,
    metadata: Metadata | null,
  ) {
    if (result.shortfall > 0) {
      deps.emit({ type: 'shortfall', account: init.account, feature: init.feature, shortfall: result.shortfall })
    }
    if (deps.lowBalanceUnits !== null && result.charged > 0 && result.available < deps.lowBalanceUnits) {
      deps.emit({
        type: 'low_balance',
        account: init.account,
        available: result.available,
        threshold: deps.lowBalanceUnits,
      })
    }
    if (deps.checkExpiring && result.charged > 0) await deps.checkExpiring(init.account)
    if (!deps.usage) return
    const latencyMs = Math.max(0, deps.clock.now() - startedAt)
    if (deps.usageDriver) {
      await deps.usageDriver.record(usageRecord(init, status, usage, result, metadata, latencyMs))
      return
    }
    const event: UsageEventInput = {
      account: init.account,
      userId: init.userId,
      feature: init.feature,
      amount: result.charged,
      shortfall: result.shortfall,
      model: usage?.model ?? null,
      inputTokens: usage?.inputTokens ?? 0,
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      quantity: quantityOf(usage),
      status,
      latencyMs,
    }
    const recorded = metadata ?? init.metadata
    if (recorded) event.metadata = recorded
    await deps.usage.record(event)
  }

  async function doSettle(input: SettleTicketInput): Promise<TicketSettlement> {
    // Checked once, for the ledger and the usage event alike.
    const metadata = input.metadata ? checkedUsageField<Metadata>('metadata', input.metadata, 'settle') : null
    const status = input.status === undefined ? 'ok' : checkedUsageField<UsageStatus>('status', input.status, 'settle')
    let result: TicketSettlement
    if (init.mode === 'debit') {
      result = init.charged!
    } else {
      const units = deps.unitsFor(init.feature, input)
      const settled = deps.ledgerDriver
        ? await deps.ledgerDriver.settle({
            holdId: init.holdId!,
            amount: units,
            metadata,
          })
        : await deps.ledger.settle({ holdId: init.holdId!, amount: units, ...(metadata ? { metadata } : {}) })
      if (!settled.ok) throw new MeteredError('invariant_violation', `hold could not be settled: ${settled.reason}`)
      result = { charged: settled.charged, shortfall: settled.shortfall, available: settled.available }
    }
    await record(status, input.usage, result, metadata)
    return result
  }

  async function doCancel(given: UsageStatus | undefined, usage: MeteredUsage | undefined): Promise<TicketSettlement> {
    const status = given === undefined ? 'error' : checkedUsageField<UsageStatus>('status', given, 'cancel')
    let result: TicketSettlement
    if (init.mode === 'debit') {
      result = init.charged!
    } else {
      const released = deps.ledgerDriver
        ? await deps.ledgerDriver.release({ holdId: init.holdId! })
        : await deps.ledger.release({ holdId: init.holdId! })
      result = { charged: 0, shortfall: 0, available: released.ok ? released.available : 0 }
    }
    await record(status, usage, result, null)
    return result
  }

  return {
    account: init.account,
    feature: init.feature,
    mode: init.mode,
    holdId: init.holdId,
    amount: init.amount,
    settle(input = {}) {
      outcome ??= doSettle(input)
      return outcome
    },
    cancel(input = {}) {
      outcome ??= doCancel(input.status, input.usage)
      return outcome
    },
  }
}
