import type { Metadata, MeteredUsage, SettleTicketInput, Ticket, TicketSettlement } from '@metered/core'
import type { Charges } from './charges.js'
import type { AbortPolicy } from './types.js'

/** How a metered call ended. */
export type Outcome = 'ok' | 'error' | 'aborted'

export interface Settlement {
  /** Settles (or releases) once; later calls return the first result. Null if the store failed. */
  finish(outcome: Outcome): Promise<TicketSettlement | null>
  /** Resolves when `finish` has run to the end, whenever that is (for `after()`). */
  readonly settled: Promise<TicketSettlement | null>
  /** Whether `finish` was called: later charges can no longer count. */
  readonly started: boolean
  /** The response body started: output went out, so an abort is no longer "nothing produced". */
  outputStarted(): void
}

/**
 * Who pays, in one place (docs/nextjs.md, "Who pays"):
 *
 * | outcome | fixed `price` | `estimate` |
 * |---|---|---|
 * | ok | the price | what was charged; the estimate if the handler never charged |
 * | error (throw, upstream failure, handler's own 4xx/5xx) | released | what was charged so far; released if nothing |
 * | aborted, `charge-produced` | the price | what was charged so far (the AI helpers report output produced); nothing charged but output went out: the estimate; no output: released |
 * | aborted, `charge-hold` | the price | the whole hold |
 * | aborted, `release` | released | released |
 * | crash | the hold expires | the hold expires |
 */
export function createSettlement(input: {
  ticket: Ticket
  charges: Charges
  /** Units of a fixed price, or null in estimate mode. */
  priceUnits: number | null
  estimate: number | MeteredUsage
  onAbort: AbortPolicy
  metadata: Metadata | undefined
  report: (error: unknown) => void
  /** The usage the handler reported for a call that ended well (what output allowances learn from). */
  completed?: (usage: MeteredUsage) => void
}): Settlement {
  const { ticket, charges, priceUnits } = input
  const { metadata } = input
  let produced = false

  function usageFor(fallbackToEstimate: boolean): MeteredUsage | undefined {
    const reported = charges.usage()
    if (reported) return reported
    if (fallbackToEstimate && typeof input.estimate === 'object') return input.estimate
    return undefined
  }

  /** Units the handler reported; a report that cannot be priced falls back to the whole hold. */
  function chargedUnits(): number {
    try {
      return charges.units()
    } catch (error) {
      input.report(error)
      return ticket.amount
    }
  }

  function charge(units: number, status: 'ok' | 'error' | 'aborted', fallback: boolean) {
    // Optional fields only when present: absent, never undefined (exactOptionalPropertyTypes).
    const settle: SettleTicketInput = { units, status }
    const usage = usageFor(fallback)
    if (usage) settle.usage = usage
    if (metadata) settle.metadata = metadata
    return ticket.settle(settle)
  }

  function release(status: 'error' | 'aborted') {
    const usage = charges.usage()
    return ticket.cancel({ status, ...(usage ? { usage } : {}) })
  }

  async function run(outcome: Outcome): Promise<TicketSettlement> {
    if (outcome === 'ok') {
      if (priceUnits !== null) return charge(priceUnits, 'ok', false)
      const reported = charges.usage()
      if (reported && input.completed) input.completed(reported)
      return charges.any ? charge(chargedUnits(), 'ok', false) : charge(ticket.amount, 'ok', true)
    }
    if (outcome === 'error') {
      if (priceUnits === null && charges.any) return charge(chargedUnits(), 'error', false)
      return release('error')
    }
    if (input.onAbort === 'release') return release('aborted')
    if (priceUnits !== null) return charge(priceUnits, 'aborted', false)
    if (input.onAbort === 'charge-hold') return charge(ticket.amount, 'aborted', true)
    if (charges.any) return charge(chargedUnits(), 'aborted', false)
    // Output went out but the handler reported nothing (it charges at the end, or never): it pays
    // what a handler that never reports pays, the estimate. Only a call that produced nothing is free.
    return produced ? charge(ticket.amount, 'aborted', true) : release('aborted')
  }

  return new SettlementHandle(run, input.report, () => {
    produced = true
  })
}

/** The settlement's state, one per metered call. */
class SettlementHandle implements Settlement {
  private result: Promise<TicketSettlement | null> | null = null
  // `settled` is only read for streamed bodies: its promise is made on first read, not per call.
  private settledPromise: Promise<TicketSettlement | null> | null = null
  private resolveSettled: ((value: TicketSettlement | null) => void) | null = null
  private readonly run: (outcome: Outcome) => Promise<TicketSettlement>
  private readonly report: (error: unknown) => void
  readonly outputStarted: () => void

  constructor(
    run: (outcome: Outcome) => Promise<TicketSettlement>,
    report: (error: unknown) => void,
    outputStarted: () => void,
  ) {
    this.run = run
    this.report = report
    this.outputStarted = outputStarted
  }

  // An arrow: `finish` is handed around unbound (to the body metering).
  readonly finish = (outcome: Outcome): Promise<TicketSettlement | null> => {
    this.result ??= this.run(outcome).catch((error: unknown) => {
      // The hold stays open and expires at its ttl: the caller is refunded, never overcharged.
      this.report(error)
      return null
    })
    if (this.resolveSettled) {
      void this.result.then(this.resolveSettled)
      this.resolveSettled = null
    }
    return this.result
  }

  get settled(): Promise<TicketSettlement | null> {
    // `result` never rejects (failures resolve null), so once finished it is the settled promise.
    if (this.result) return this.result
    this.settledPromise ??= new Promise<TicketSettlement | null>((resolve) => {
      this.resolveSettled = resolve
    })
    return this.settledPromise
  }

  get started(): boolean {
    return this.result !== null
  }
}
