import { useId } from 'react'
import { formatCredits } from './format.js'
import { toMs } from './request.js'
import type { UsageBucket, UsageStats } from './types.js'
import { type UseUsageOptions, useUsage } from './use-usage.js'

/** What the chart draws: a `GET /profile/usage` body; `from`, `to` and `bucket` may come from props instead. */
export type ChartData = Pick<UsageStats, 'buckets' | 'totals'> & Partial<Pick<UsageStats, 'from' | 'to' | 'bucket'>>

/** What `<UsageChart>`'s bars measure: credits, calls, tokens or items. */
export type UsageMetric = 'amount' | 'events' | 'inputTokens' | 'outputTokens' | 'quantity'

/** Props of `<UsageChart>`. */
export interface UsageChartProps extends UseUsageOptions {
  /**
   * Stats loaded elsewhere (e.g. on the server); no request is made. Only `buckets` and `totals`
   * are read (pass `from` and `to` for the range), amounts in credits. Default: none (fetched
   * from the usage route).
   */
  data?: ChartData | null | undefined
  /** Features stacked in one bar per day, or side by side. @default 'stacked' */
  layout?: 'stacked' | 'grouped' | undefined
  /** What the bars measure. @default 'amount' (credits) */
  metric?: UsageMetric | undefined
  /** Accessible name, also the table caption. @default 'Credits used per day' */
  title?: string | undefined
  /** viewBox size; the SVG scales to its container's width. @default 640 x 240 */
  width?: number | undefined
  /** viewBox height. @default 240 */
  height?: number | undefined
  /** Fill per feature, in order of first appearance. Default: seven distinct colours (indigo, sky, emerald, amber, red, violet, slate). */
  colors?: string[] | undefined
  /** Class of the `<figure>`. Default: none. */
  className?: string | undefined
  /** @default 'en-US' */
  locale?: string | undefined
}

const PALETTE = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#64748b']
const STEP = { day: 86_400_000, hour: 3_600_000 }
const PAD = { left: 44, right: 8, top: 8, bottom: 22 }

/**
 * The time slots to draw: every bucket of the range when it is known (quiet days show as gaps),
 * else the buckets present. Capped so a wide hourly range cannot draw thousands of slots.
 */
function slots(stats: ChartData, bucket: 'day' | 'hour', from?: number, to?: number): number[] {
  const present = [...new Set(stats.buckets.map((b) => b.start))].sort((a, b) => a - b)
  const step = STEP[bucket]
  if (from === undefined || to === undefined || (to - from) / step > 400) return present
  const all: number[] = []
  for (let t = Math.floor(from / step) * step; t < to; t += step) all.push(t)
  return all
}

/**
 * Usage per day (or hour) as a stacked SVG bar chart by feature, with a title and summary for
 * assistive tech and the same numbers as a table. No chart library.
 * @example
 * <UsageChart from={Date.now() - 14 * 86_400_000} by="feature" className="chart" />
 */
export function UsageChart(props: UsageChartProps) {
  const { data, metric = 'amount', title = 'Credits used per day', width = 640, height = 240, className } = props
  const { colors = PALETTE, locale = 'en-US', bucket = 'day', layout = 'stacked' } = props
  const grouped = layout === 'grouped'
  const {
    stats: fetched,
    loading,
    error,
  } = useUsage({
    ...props,
    by: props.by ?? 'feature',
    enabled: data === undefined && props.enabled !== false,
  })
  const id = useId()
  const stats = data ?? fetched
  if (!stats) {
    return (
      <figure className={className} aria-busy={loading || undefined}>
        <figcaption>{title}</figcaption>
        {error ? <p role="alert">{error.message}</p> : <p>Loading usage…</p>}
      </figure>
    )
  }
  const times = slots(stats, stats.bucket ?? bucket, toMs(props.from) ?? stats.from, toMs(props.to) ?? stats.to)
  const features = [...new Set(stats.buckets.map((b) => b.feature ?? 'All'))]
  const cell = new Map<string, UsageBucket>(stats.buckets.map((b) => [`${b.start}|${b.feature ?? 'All'}`, b]))
  const value = (t: number, f: string) => cell.get(`${t}|${f}`)?.[metric] ?? 0
  const total = (t: number) => features.reduce((sum, f) => sum + value(t, f), 0)
  const max = Math.max(0, ...times.flatMap((t) => (grouped ? features.map((f) => value(t, f)) : [total(t)])))
  const fmt = (n: number) => (metric === 'amount' ? formatCredits(n, { locale }) : n.toLocaleString(locale))
  const day = new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    ...((stats.bucket ?? bucket) === 'hour' && { hour: 'numeric' }),
    timeZone: 'UTC', // buckets are aligned to UTC days
  })
  const plotW = width - PAD.left - PAD.right
  const plotH = height - PAD.top - PAD.bottom
  const slotW = plotW / Math.max(1, times.length)
  const every = Math.ceil(times.length / 8)
  const unit = metric === 'amount' ? ' credits' : ` ${metric}`
  const summary =
    stats.buckets.length === 0
      ? 'No usage in this period.'
      : `${fmt(stats.totals[metric])}${unit} in total. ${features.map((f) => `${f}: ${fmt(times.reduce((s, t) => s + value(t, f), 0))}`).join(', ')}.`
  return (
    <figure className={className}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}t`}
        aria-describedby={`${id}d`}
      >
        <title id={`${id}t`}>{title}</title>
        <desc id={`${id}d`}>{summary}</desc>
        <line x1={PAD.left} x2={width - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="currentColor" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" fontSize="10" fill="currentColor">
          {fmt(max)}
        </text>
        {times.map((t, i) => {
          let y = PAD.top + plotH
          return (
            <g key={t}>
              {features.map((f, j) => {
                const v = value(t, f)
                if (v <= 0 || max <= 0) return null
                const h = (v / max) * plotH
                const w = grouped ? (slotW * 0.8) / features.length : slotW * 0.8
                y = grouped ? PAD.top + plotH - h : y - h
                return (
                  <rect
                    key={f}
                    x={PAD.left + i * slotW + slotW * 0.1 + (grouped ? j * w : 0)}
                    y={y}
                    width={w}
                    height={h}
                    fill={colors[j % colors.length]}
                    data-feature={f}
                  >
                    <title>{`${f}, ${day.format(t)}: ${fmt(v)}${unit}`}</title>
                  </rect>
                )
              })}
              {i % every === 0 && (
                <text
                  x={PAD.left + (i + 0.5) * slotW}
                  y={height - 6}
                  textAnchor="middle"
                  fontSize="10"
                  fill="currentColor"
                >
                  {day.format(t)}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <figcaption>
        {title}
        {features.length > 1 &&
          features.map((f, j) => (
            <span key={f}>
              {' '}
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill={colors[j % colors.length]} />
              </svg>{' '}
              {f}
            </span>
          ))}
      </figcaption>
      <details>
        <summary>Show data</summary>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{(stats.bucket ?? bucket) === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
              {features.map((f) => (
                <th key={f} scope="col">
                  {f}
                </th>
              ))}
              {features.length > 1 && <th scope="col">Total</th>}
            </tr>
          </thead>
          <tbody>
            {times.map((t) => (
              <tr key={t}>
                <th scope="row">{day.format(t)}</th>
                {features.map((f) => (
                  <td key={f}>{fmt(value(t, f))}</td>
                ))}
                {features.length > 1 && <td>{fmt(total(t))}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
