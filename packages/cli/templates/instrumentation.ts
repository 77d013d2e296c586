// @metered-generated: written by `metered init`. It is yours: once you edit it, init never touches it again.
// Runs once when the Next.js server starts: connects to metered's database and migrates it, so
// the first request does not wait for it (the stores would otherwise do it at their first query).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return
  const { warmUp } = await import('@/lib/metered-stores')
  await warmUp().catch((error) => console.error('[metered] the database is not reachable yet:', error))
}
