/**
 * Errors Next throws on purpose (`redirect()`, `notFound()`, `forbidden()`, dynamic usage while it
 * prerenders): they carry a `digest` Next reads, and must reach Next unchanged, never be answered
 * as a 500 or reported as a failure.
 */
export function nextControlFlow(error: unknown): 'redirect' | 'other' | null {
  const digest = (error as { digest?: unknown } | null)?.digest
  if (typeof digest !== 'string') return null
  if (digest.startsWith('NEXT_REDIRECT')) return 'redirect'
  return digest.startsWith('NEXT_') || digest === 'DYNAMIC_SERVER_USAGE' ? 'other' : null
}
