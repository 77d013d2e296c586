import type { ConsumeItem, ConsumeResult, RuleKind } from '@metered/core'
import { evaluateConsume, type RuleStateData } from '@metered/core/adapter'

/** The kind argument of the limiter scripts. */
const KIND_CODE: Record<RuleKind, string> = { fixed_window: 'f', sliding_window: 's', token_bucket: 'b' }

/** An item's arguments to the limiter scripts: kind, limit, windowMs, cost, and a bucket's refill. */
export function ruleArgs(item: ConsumeItem): string[] {
  const r = item.rule
  const args = [KIND_CODE[r.kind], String(r.limit), String(r.windowMs), String(item.cost)]
  if (r.kind === 'token_bucket') args.push(String(r.refillAmount))
  return args
}

/** A stored state string (lua/limiter-rules.ts) as core's state; '' is no state. */
export function parseRuleState(kind: RuleKind, raw: string): RuleStateData | null {
  if (raw === '') return null
  const parts = raw.split(':')
  if (kind === 'token_bucket') return { tokens: Number(parts[0]), updatedAt: Number(parts[1]) }
  return { window: Number(parts[0]), count: Number(parts[1]), prev: Number(parts[2]) }
}

/**
 * A limiter script's reply "<now>/<state read of item 1>/..." as the call's `ConsumeResult`: the
 * script decided and wrote from exactly those states at that instant with the arithmetic of
 * core's algorithms, so core's `evaluateConsume` on them reports what it decided, with every
 * number (`remaining`, `reset`, `retryAfter`) from core's one text. With an injected clock the
 * instant is the one the store sent, exactly (the reply prints it with 14 significant digits).
 */
export function consumeResultOf(items: readonly ConsumeItem[], reply: unknown, sentNow?: number): ConsumeResult {
  const parts = String(reply).split('/')
  const now = sentNow ?? Number(parts[0])
  const states = items.map((item, i) => parseRuleState(item.rule.kind, parts[i + 1] ?? ''))
  return evaluateConsume(items, states, now).result
}
