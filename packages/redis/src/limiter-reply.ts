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

/**
 * A stored state string (lua/limiter-rules.ts) as core's state, read as the script read it; ''
 * is no state, and so is a sliding window's string without three fields (another kind's state
 * under the rule's name, which the script's pattern does not match).
 */
export function parseRuleState(kind: RuleKind, raw: string): RuleStateData | null {
  if (raw === '') return null
  const [a, b, c] = raw.split(':').map(Number)
  if (kind === 'token_bucket') return { tokens: a!, updatedAt: b! }
  if (c === undefined && kind === 'sliding_window') return null
  return { window: a!, count: b!, prev: c! }
}

/** The instant the script decided at, from its reply's head (see lua/limiter-single.ts). */
function replyNow(head: string, sentNow: number | undefined): number {
  if (sentNow !== undefined) return sentNow
  const dot = head.indexOf('.')
  if (dot < 0) return Number(head)
  // Redis TIME's "<seconds>.<microseconds>", in ms as the script computed it (lua/clock.ts)
  return Number(head.slice(0, dot)) * 1000 + Math.floor(Number(head.slice(dot + 1)) / 1000)
}

/**
 * A limiter script's reply "<clock>/<state read of item 1>/..." as the call's `ConsumeResult`:
 * the script decided and wrote from exactly those states at that instant with the arithmetic of
 * core's algorithms, so core's `evaluateConsume` on them reports what it decided, with every
 * number (`remaining`, `reset`, `retryAfter`) from core's one text. The clock is Redis TIME's
 * "<s>.<us>", or epoch ms (authorize), or empty when the store sent an injected clock's now.
 */
export function consumeResultOf(items: readonly ConsumeItem[], reply: unknown, sentNow?: number): ConsumeResult {
  let text = String(reply)
  // the scripts quote it (a JSON string); a client that parses JSON replies has unquoted it
  if (text.charCodeAt(0) === 34) text = text.slice(1, -1)
  const parts = text.split('/')
  const now = replyNow(parts[0]!, sentNow)
  const states = items.map((item, i) => parseRuleState(item.rule.kind, parts[i + 1] ?? ''))
  return evaluateConsume(items, states, now).result
}
