// The chart of docs/benchmarks.md, written as SVG text: throughput against concurrency, the
// limiter on the left and the ledger on the right (their scales differ by an order of magnitude).
// Concurrency on a log2 axis, calls per second on a linear one from 0.
import type { ConcurrencyPoint } from './report.js'

interface Series {
  label: string
  color: string
  values: number[]
}

const W = 360
const H = 260
const PAD = { left: 58, right: 14, top: 34, bottom: 44 }

/** A round axis maximum at or above `max` (1, 2 or 5 times a power of ten). */
function niceMax(max: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 1)))
  return ([1, 2, 5, 10].map((m) => m * p).find((v) => v >= max) ?? 10 * p) as number
}

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;')

function panel(title: string, levels: number[], series: Series[], offsetX: number): string {
  const top = niceMax(Math.max(...series.flatMap((s) => s.values)))
  const plotW = W - PAD.left - PAD.right
  const plotH = H - PAD.top - PAD.bottom
  const lo = Math.log2(levels[0]!)
  const span = Math.max(Math.log2(levels.at(-1)!) - lo, 1)
  const px = (c: number) => offsetX + PAD.left + ((Math.log2(c) - lo) / span) * plotW
  const py = (v: number) => PAD.top + plotH - (v / top) * plotH
  const parts: string[] = [
    `<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
  ]
  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i
    parts.push(
      `<line x1="${offsetX + PAD.left}" x2="${offsetX + W - PAD.right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/>`,
      `<text x="${offsetX + PAD.left - 6}" y="${py(v) + 4}" text-anchor="end">${Math.round(v).toLocaleString('en-US')}</text>`,
    )
  }
  for (const c of levels) {
    parts.push(`<text x="${px(c)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${c}</text>`)
  }
  parts.push(
    `<text x="${offsetX + PAD.left + plotW / 2}" y="${H - 8}" text-anchor="middle">calls in flight</text>`,
    `<text transform="translate(${offsetX + 12} ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">per second</text>`,
  )
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${px(levels[j]!).toFixed(1)},${py(v).toFixed(1)}`)
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`)
    for (const p of points) {
      const [cx, cy] = p.split(',')
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`)
    }
    const ly = PAD.top + 6 + i * 16
    parts.push(
      `<line x1="${offsetX + PAD.left + 8}" x2="${offsetX + PAD.left + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${offsetX + PAD.left + 28}" y="${ly + 4}">${esc(s.label)}</text>`,
    )
  })
  return parts.join('\n')
}

export function concurrencyChart(points: ConcurrencyPoint[]): string {
  const levels = points.map((p) => p.concurrency)
  const body = [
    panel(
      'Limiter: limit(), Redis over TCP',
      levels,
      [{ label: 'one rule', color: '#1f77b4', values: points.map((p) => p.limiter) }],
      0,
    ),
    panel(
      'Ledger: debit, PostgreSQL',
      levels,
      [
        { label: 'distinct accounts', color: '#2ca02c', values: points.map((p) => p.ledger) },
        { label: 'one hot account', color: '#d62728', values: points.map((p) => p.ledgerHot) },
      ],
      W,
    ),
  ]
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="sans-serif" font-size="11" role="img">
<title>Throughput against calls in flight: the limiter over TCP, and the Postgres ledger on distinct accounts and on one hot account</title>
<rect width="100%" height="100%" fill="#fff"/>
${body.join('\n')}
</svg>
`
}
