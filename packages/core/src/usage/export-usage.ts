import { ValidationError } from '../errors.js'
import type { Credits } from '../pricing/credits.js'
import { parse, toEpoch, usageListQuerySchema } from '../schemas.js'
import type { AllAccounts } from './all-accounts.js'
import { normalizeAccountOrAll } from './normalize.js'
import type { UsageEvent, UsageStore } from './types.js'

/** Options of `exportUsage`: the range, the format and the credit unit. */
export interface ExportUsageOptions {
  /** An account id, or `ALL_ACCOUNTS` for every account. */
  account: string | AllAccounts
  /** Epoch ms or Date, inclusive. */
  from: number | Date
  /** Epoch ms or Date, exclusive. */
  to: number | Date
  format: 'csv' | 'ndjson'
  /** Events read per store call. @default 500 */
  pageSize?: number
  /**
   * Write `amount` and `shortfall` in credits instead of ledger units: pass the metered instance's
   * `metered.credits`, so the export uses the app's one unit.
   * @default amounts in ledger units
   */
  credits?: Pick<Credits, 'toCredits' | 'unitsPerCredit'>
}

const COLUMNS = [
  'id',
  'at',
  'account',
  'userId',
  'feature',
  'status',
  'amount',
  'shortfall',
  'model',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'quantity',
  'latencyMs',
] as const satisfies ReadonlyArray<keyof UsageEvent>

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

function inCredits(event: UsageEvent, credits: ExportUsageOptions['credits']): UsageEvent {
  if (!credits || credits.unitsPerCredit === 1) return event
  return { ...event, amount: credits.toCredits(event.amount), shortfall: credits.toCredits(event.shortfall) }
}

function csvRow(event: UsageEvent): string {
  return `${COLUMNS.map((c) => csvCell(c === 'at' ? new Date(event.at).toISOString() : event[c])).join(',')}\r\n`
}

/**
 * Streams usage events as CSV or NDJSON, page by page from the store (memory stays flat however
 * long the range). Oldest first. Use it as a Response body:
 * @example
 * return new Response(exportUsage(usage, { account: ALL_ACCOUNTS, from, to, format: 'csv' }), {
 *   headers: { 'content-type': 'text/csv; charset=utf-8' },
 * })
 */
export function exportUsage(usage: UsageStore, options: ExportUsageOptions): ReadableStream<Uint8Array> {
  const query = parse(
    usageListQuerySchema,
    { account: options.account, from: options.from, to: options.to, limit: options.pageSize ?? 500 },
    'export options',
  )
  // Refused here, before the stream starts, rather than at its first read.
  normalizeAccountOrAll(options.account)
  const credits = options.credits
  if (credits !== undefined && typeof credits?.toCredits !== 'function') {
    throw new ValidationError(
      [{ path: 'credits', message: "must be a metered instance's `credits`" }],
      'export options',
    )
  }
  if (options.format !== 'csv' && options.format !== 'ndjson') {
    throw new ValidationError([{ path: 'format', message: 'must be "csv" or "ndjson"' }], 'export options')
  }
  const encoder = new TextEncoder()
  let cursor: string | null = null
  let started = false
  let done = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started && options.format === 'csv') {
        started = true
        controller.enqueue(encoder.encode(`${COLUMNS.join(',')}\r\n`))
        return
      }
      started = true
      if (done) {
        controller.close()
        return
      }
      const page = await usage.list({
        account: options.account,
        from: toEpoch(query.from),
        to: toEpoch(query.to),
        limit: query.limit ?? 500,
        cursor,
      })
      const events = page.events.map((e) => inCredits(e, credits))
      const text =
        options.format === 'csv' ? events.map(csvRow).join('') : events.map((e) => `${JSON.stringify(e)}\n`).join('')
      if (text) controller.enqueue(encoder.encode(text))
      cursor = page.nextCursor
      if (cursor === null) done = true
    },
  })
}
