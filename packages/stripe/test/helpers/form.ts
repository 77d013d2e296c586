/**
 * Decodes the SDK's `application/x-www-form-urlencoded` bodies (`a[b][0][c]=x`) into nested
 * objects and arrays, the way Stripe's API reads them.
 */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split('[').map((p, i) => (i === 0 ? p : p.slice(0, -1)))
    let at: Record<string, unknown> | unknown[] = root
    parts.forEach((part, i) => {
      const last = i === parts.length - 1
      const key: string | number = Array.isArray(at) ? Number(part) : part
      if (last) {
        ;(at as Record<string | number, unknown>)[key] = value
        return
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '')
      const container = at as Record<string | number, unknown>
      container[key] ??= nextIsIndex ? [] : {}
      at = container[key] as Record<string, unknown> | unknown[]
    })
  }
  return root
}
