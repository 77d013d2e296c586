import Link from 'next/link'

export default function NotFound() {
  return (
    <section className="card stack">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <p>
        <Link href="/">Back to the chat</Link>
      </p>
    </section>
  )
}
