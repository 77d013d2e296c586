/** UTC period containing `now`: [start, end) in epoch ms, and a stable label for keys. */
export function periodOf(now: number, every: 'day' | 'month'): { start: number; end: number; label: string } {
  const d = new Date(now)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  if (every === 'day') {
    const start = Date.UTC(y, m, d.getUTCDate())
    return { start, end: start + 86_400_000, label: new Date(start).toISOString().slice(0, 10) }
  }
  const start = Date.UTC(y, m, 1)
  return { start, end: Date.UTC(y, m + 1, 1), label: new Date(start).toISOString().slice(0, 7) }
}
