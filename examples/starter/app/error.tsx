'use client'
import { useEffect } from 'react'

// A page that throws (a store down, a bug) shows this inside the layout instead of a blank screen.
// The message stays generic: in production Next replaces it anyway, and `digest` ties it to the log.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error)
  }, [error])
  return (
    <section className="card stack" role="alert">
      <h1>Something went wrong</h1>
      <p className="muted">
        The page could not be shown.
        {error.digest ? ` Reference: ${error.digest}.` : ''}
      </p>
      <p>
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
      </p>
    </section>
  )
}
