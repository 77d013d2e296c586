/**
 * The `admins` option as a lookup: trimmed, lower-cased emails (a comma-separated string is split,
 * so an environment variable can be passed as is).
 */
export function adminEmailMatcher(
  admins: ReadonlyArray<string> | string | null | undefined,
): (email: string | null | undefined) => boolean {
  const list = typeof admins === 'string' ? admins.split(',') : (admins ?? [])
  const set = new Set(list.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))
  return (email) => typeof email === 'string' && set.has(email.trim().toLowerCase())
}
