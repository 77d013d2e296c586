import { useCallback, useEffect, useRef, useState } from 'react'
import { useMeteredContext } from './context.js'
import { query, requestJson, toError } from './request.js'
import type { EntryType, HistoryEntry } from './types.js'

/** Options of `useCreditHistory` (and `<CreditHistory>`). */
export interface UseCreditHistoryOptions {
  /** Entries per page. @default 20 */
  limit?: number | undefined
  /** Only these entry types. Default: every type. */
  types?: EntryType[] | undefined
  /** Another account's history (admins only; the server refuses anyone else). Default: the caller's own. */
  account?: string | undefined
}

/** What `useCreditHistory` returns: the entries loaded so far and how to load more. */
export interface UseCreditHistoryResult {
  /** Newest first, every page loaded so far. */
  entries: HistoryEntry[]
  /** Loads the next page (nothing when there is none). */
  loadMore: () => Promise<void>
  hasMore: boolean
  loading: boolean
  error: Error | null
  /** Reload from the first page (e.g. after a grant). */
  refresh: () => Promise<void>
}

interface Page {
  entries: HistoryEntry[]
  nextCursor: string | null
}

/**
 * The account's ledger entries from `GET {baseUrl}/credits/history`, paged by cursor.
 * @example
 * const { entries, hasMore, loadMore } = useCreditHistory({ limit: 10 })
 */
export function useCreditHistory(options: UseCreditHistoryOptions = {}): UseCreditHistoryResult {
  const { fetch, rawFetch, baseUrl } = useMeteredContext()
  const { limit = 20, types, account } = options
  const typeList = types?.join(',')
  const [entries, setEntries] = useState<HistoryEntry[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<Error | null>(null)
  // Bumped per first-page load: a page answering for an older list (other account) is dropped.
  const generation = useRef(0)
  const busy = useRef(false)

  const load = useCallback(
    async (after: string | null) => {
      if (after !== null && busy.current) return
      const gen = after === null ? ++generation.current : generation.current
      busy.current = true
      setLoading(true)
      setError(null)
      try {
        // An admin's reads about another account bypass the store: they say nothing of the admin's own credits.
        const page = await requestJson<Page>(
          account ? rawFetch : fetch,
          `${baseUrl}/credits/history${query({ limit, types: typeList, account, cursor: after })}`,
        )
        if (gen !== generation.current) return
        setEntries((prev) => (after === null ? page.entries : [...prev, ...page.entries]))
        setCursor(page.nextCursor)
      } catch (e) {
        if (gen === generation.current) setError(toError(e))
      } finally {
        if (gen === generation.current) {
          busy.current = false
          setLoading(false)
        }
      }
    },
    [baseUrl, limit, typeList, account, fetch, rawFetch],
  )

  useEffect(() => {
    void load(null)
  }, [load])

  return {
    entries,
    loadMore: useCallback(() => (cursor === null ? Promise.resolve() : load(cursor)), [cursor, load]),
    hasMore: cursor !== null,
    loading,
    error,
    refresh: useCallback(() => load(null), [load]),
  }
}
