import { useEffect, useRef } from 'react'

/**
 * Sends the browser to a URL an app route answered (Checkout, the customer portal). Only ever a
 * web page: a `javascript:` URL here would run in the app's origin.
 */
export function assignWebUrl(url: string, what: string): void {
  if (!/^https?:$/.test(new URL(url, window.location.href).protocol)) throw new Error(`Invalid ${what} URL`)
  window.location.assign(url)
}

/**
 * Calls `reset` when Back from the page the button redirected to restores this page from the
 * bfcache: the button is still "loading" there, and must be usable again.
 */
export function useBackFromRedirect(reset: () => void): void {
  const latest = useRef(reset)
  latest.current = reset
  useEffect(() => {
    const onShow = (e: PageTransitionEvent) => {
      if (e.persisted) latest.current()
    }
    window.addEventListener('pageshow', onShow)
    return () => window.removeEventListener('pageshow', onShow)
  }, [])
}
