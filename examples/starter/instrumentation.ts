// Runs once when the server starts: open (and on first run create and migrate) the database
// right away, so the first sign-in does not wait for it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { warmUpDatabase } = await import('./lib/db')
  void warmUpDatabase()
}
