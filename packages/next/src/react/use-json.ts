import { useCallback, useEffect, useRef, useState } from 'react'
import { requestJson, toError } from './request.js'

export interface JsonState<T> {
  data: T | null
  loading: boolean
  error: Error | null
  refresh: () => Promise<void>
  /** Replace the data locally (e.g. from a mutation's response) without a request. */
  setData: (data: T) => void
}

/**
 * GETs `url` on mount and whenever it changes; null skips. Answers to an older URL are dropped,
 * so fast typing or range changes never show stale data.
 */
export function useJson<T>(fetchImpl: typeof fetch, url: string | null): JsonState<T> {
  const [data, setData] = useState<T | null>(null)
  const [loading, setLoading] = useState(url !== null)
  const [error, setError] = useState<Error | null>(null)
  const latest = useRef(0)
  const refresh = useCallback(async () => {
    if (url === null) return
    const id = ++latest.current
    setLoading(true)
    setError(null)
    try {
      const value = await requestJson<T>(fetchImpl, url)
      if (id === latest.current) setData(value)
    } catch (e) {
      if (id === latest.current) setError(toError(e))
    } finally {
      if (id === latest.current) setLoading(false)
    }
  }, [fetchImpl, url])
  useEffect(() => {
    void refresh()
  }, [refresh])
  return { data, loading, error, refresh, setData }
}
