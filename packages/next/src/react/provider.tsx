import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react'
import { MeteredContext, type MeteredContextValue } from './context.js'
import { createMeteredFetch } from './metered-fetch.js'
import { createMeteredStore, type MeteredStore, type MeteredStoreOptions, toBalance } from './store.js'

export interface MeteredProviderProps {
  /**
   * Prefix of the metered routes (`/credits/*`, `/profile/*`, `/admin/*`).
   * @default '/api'
   */
  baseUrl?: string
  /**
   * Credits read on the server for the first paint (no loading flash, no balance request).
   * A later value (e.g. after `router.refresh()`) replaces the shown balance.
   * @example <MeteredProvider initialBalance={(await metered.ledger.balance(user.id)).available}>
   */
  initialBalance?: MeteredStoreOptions['initialBalance']
  /**
   * The `fetch` every hook and `meteredFetch` call goes through (auth headers, tests).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
  /** A store made with `createMeteredStore`, to share it with code outside React. */
  store?: MeteredStore
  children?: ReactNode
}

/**
 * Holds the shared credits, rate-limit and refusal state for the hooks and components below it.
 * Put it in the App Router root layout (it is a client component; the layout stays a server one).
 * @example
 * <MeteredProvider initialBalance={available}>{children}</MeteredProvider>
 */
export function MeteredProvider({
  baseUrl = '/api',
  initialBalance,
  fetch: fetchImpl,
  store,
  children,
}: MeteredProviderProps) {
  const [own] = useState(() => store ?? createMeteredStore({ initialBalance }))
  const value = useMemo<MeteredContextValue>(
    () => ({
      store: own,
      fetch: createMeteredFetch(own, fetchImpl),
      rawFetch: (input, init) => (fetchImpl ?? globalThis.fetch)(input, init),
      baseUrl: baseUrl.replace(/\/$/, ''),
    }),
    [own, fetchImpl, baseUrl],
  )
  // A new server value (a refreshed layout) replaces the balance; the first one is already in.
  const next = toBalance(initialBalance)
  const seen = useRef(`${next?.available}/${next?.held}`)
  useEffect(() => {
    const key = `${next?.available}/${next?.held}`
    if (!next || key === seen.current) return
    seen.current = key
    own.setState({ balance: next, balanceStatus: 'ready', balanceError: null })
  })
  return <MeteredContext.Provider value={value}>{children}</MeteredContext.Provider>
}
