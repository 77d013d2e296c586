import type { Metered, MeteredUsage } from '@metered/core'
import type { ChargeInput } from './types.js'

/** What the handler reported through `ctx.charge`, added up, priced when the call is settled. */
export interface Charges {
  add(input: ChargeInput): void
  /** Whether anything was reported. */
  readonly any: boolean
  /**
   * Total ledger units. Each report is priced on its own (one round-up per report); a report the
   * pricer cannot price (unknown model) throws here, at settle, where the wrapper falls back to
   * the hold.
   */
  units(): number
  /** The reported usage summed up (tokens, images, tool calls), for the usage event. */
  usage(): MeteredUsage | undefined
}

function addCounts(
  a: Record<string, number> | null | undefined,
  b: Record<string, number> | null | undefined,
): Record<string, number> | null {
  if (!a) return b ?? null
  if (!b) return a
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v
  return out
}

function mergeUsage(a: MeteredUsage, b: MeteredUsage): MeteredUsage {
  const images =
    a.images && b.images ? { ...a.images, count: a.images.count + b.images.count } : (a.images ?? b.images ?? null)
  return {
    model: a.model ?? b.model ?? null,
    inputTokens: (a.inputTokens ?? 0) + (b.inputTokens ?? 0),
    cachedInputTokens: (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0),
    outputTokens: (a.outputTokens ?? 0) + (b.outputTokens ?? 0),
    images,
    toolCalls: addCounts(a.toolCalls, b.toolCalls),
  }
}

/** The charges reported during one metered call. */
class ChargeList implements Charges {
  // Most calls with a fixed price never charge: the list is made on the first report.
  private items: ChargeInput[] | null = null
  private readonly metered: Metered
  private readonly feature: string

  constructor(metered: Metered, feature: string) {
    this.metered = metered
    this.feature = feature
  }

  add(input: ChargeInput): void {
    if (typeof input === 'number' && !(Number.isFinite(input) && input >= 0)) {
      throw new RangeError('ctx.charge: credits must be a finite number of 0 or more')
    }
    if (this.items) this.items.push(input)
    else this.items = [input]
  }

  get any(): boolean {
    return this.items !== null
  }

  units(): number {
    let total = 0
    for (const item of this.items ?? []) {
      if (typeof item === 'number') total += this.metered.credits.toUnits(item)
      else if ('units' in item) total += Math.ceil(item.units)
      else if ('credits' in item) total += this.metered.credits.toUnits(item.credits)
      else total += this.metered.priceUnits(this.feature, item.usage)
    }
    return total
  }

  usage(): MeteredUsage | undefined {
    if (!this.items) return undefined
    let merged: MeteredUsage | undefined
    for (const item of this.items) {
      if (typeof item === 'object' && 'usage' in item) {
        merged = merged ? mergeUsage(merged, item.usage) : item.usage
      }
    }
    return merged
  }
}

export function createCharges(metered: Metered, feature: string): Charges {
  return new ChargeList(metered, feature)
}
