// Shown while a page's server work (session, balance, usage queries) is in progress.
export default function Loading() {
  return (
    <p className="muted" aria-busy="true" aria-live="polite">
      Loading…
    </p>
  )
}
