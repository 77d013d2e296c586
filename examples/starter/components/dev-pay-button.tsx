'use client'
import { useState } from 'react'

type Delivery = { webhook: { url: string; signature: string; payload: string } }

/**
 * Plays Stripe: asks the app for the signed event of this payment, delivers it to the webhook
 * endpoint (which verifies the signature and grants), then returns to the success URL.
 */
export function DevPayButton({ sessionId }: { sessionId: string }) {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const pay = async () => {
    setPending(true)
    setError(null)
    try {
      const res = await fetch('/api/dev-checkout/pay', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sessionId }),
      })
      if (!res.ok) throw new Error(`The payment failed (${res.status}).`)
      const { webhook } = (await res.json()) as Delivery
      const delivered = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': webhook.signature },
        body: webhook.payload,
      })
      if (!delivered.ok) throw new Error(`The webhook was refused (${delivered.status}).`)
      window.location.assign(`/checkout/success?session_id=${encodeURIComponent(sessionId)}`)
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The payment failed.')
      setPending(false)
    }
  }
  return (
    <>
      <button type="button" onClick={() => void pay()} disabled={pending} aria-busy={pending}>
        {pending ? 'Paying…' : 'Pay (development)'}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  )
}
