'use client'
import { LowCreditsNotice, RateLimitNotice, useCredits, useMeteredFetch } from '@metered/next/react'
import Link from 'next/link'
import { type FormEvent, useId, useRef, useState } from 'react'
import type { ChatMessage } from '@/lib/chat-schema'
import { readStarterStream } from '@/lib/sse'

type Usage = { input: number; output: number }

/** Shown when the balance paid for a shorter answer than a full one (the route's `fit`). */
function FittedNotice() {
  const { fittedOutputTokens } = useCredits()
  if (fittedOutputTokens === null) return null
  return (
    <p className="notice" data-testid="fitted-notice">
      Your balance covered a shorter answer than usual: at most {fittedOutputTokens.toLocaleString('en-US')} tokens.{' '}
      <Link href="/buy-credits">Buy credits</Link> for full answers.
    </p>
  )
}

export function Chat({ signedIn }: { signedIn: boolean }) {
  // Updates the header balance from the response headers, and again once the stream has settled.
  const meteredFetch = useMeteredFetch()
  const [messages, setMessages] = useState<ChatMessage[]>([])
  const [draft, setDraft] = useState('')
  const [streaming, setStreaming] = useState(false)
  const [needsSignIn, setNeedsSignIn] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [usage, setUsage] = useState<Usage | null>(null)
  const id = useId()
  // Stop aborts the request: the route settles the hold at what the model produced so far, and
  // useMeteredFetch reads the balance again once the stream has ended.
  const inFlight = useRef<AbortController | null>(null)
  const [stopped, setStopped] = useState(false)

  const send = async (e: FormEvent) => {
    e.preventDefault()
    const text = draft.trim()
    if (!text || streaming) return
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }]
    setMessages(history)
    setDraft('')
    setError(null)
    setUsage(null)
    setStopped(false)
    setStreaming(true)
    const controller = new AbortController()
    inFlight.current = controller
    try {
      const res = await meteredFetch('/api/turn_response', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ messages: history }),
        signal: controller.signal,
      })
      if (res.status === 401) {
        setNeedsSignIn(true)
        return
      }
      // 402 and 429 are shown by <LowCreditsNotice/> and <RateLimitNotice/> from the shared store.
      if (res.status === 402 || res.status === 429) return
      if (!res.ok || !res.body) {
        const problem = (await res.json().catch(() => null)) as { detail?: string } | null
        setError(problem?.detail ?? `The request failed (${res.status}).`)
        return
      }
      let reply = ''
      setMessages([...history, { role: 'assistant', content: '' }])
      await readStarterStream(res.body, (event) => {
        if (event.event === 'response.output_text.delta' && typeof event.data.delta === 'string') {
          reply += event.data.delta
          setMessages([...history, { role: 'assistant', content: reply }])
        } else if (event.event === 'response.completed') {
          const u = event.data.response?.usage
          if (u) setUsage({ input: u.input_tokens ?? 0, output: u.output_tokens ?? 0 })
        } else if (event.event === 'error') {
          setError(event.data.message ?? 'The model stopped with an error.')
        }
      })
    } catch {
      if (controller.signal.aborted) setStopped(true)
      else setError('The connection failed; try again.')
    } finally {
      inFlight.current = null
      setStreaming(false)
    }
  }

  const stop = () => inFlight.current?.abort()

  return (
    <section aria-label="Conversation">
      <ol className="chat-log" aria-live="polite" aria-busy={streaming} data-testid="chat-log">
        {messages.map((m, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows
          <li key={i} className={m.role}>
            <span className="who">{m.role === 'user' ? 'You' : 'Assistant'}</span>
            {m.content || '…'}
          </li>
        ))}
      </ol>
      {usage && (
        <p className="muted" data-testid="turn-usage">
          Last turn: {usage.input.toLocaleString('en-US')} input + {usage.output.toLocaleString('en-US')} output tokens.
        </p>
      )}
      {stopped && (
        <p className="muted" data-testid="turn-stopped">
          Stopped. You were charged for the part of the reply that was produced.
        </p>
      )}
      {needsSignIn && (
        <p role="alert" className="notice">
          You are signed out. <Link href="/signin">Sign in</Link> to chat.
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {/* Signed out there is no balance to read (the notice would ask for one and get a 401). */}
      {signedIn && <LowCreditsNotice className="notice" threshold={5} buyUrl="/buy-credits" />}
      {signedIn && <FittedNotice />}
      <RateLimitNotice className="notice" />
      <form onSubmit={(e) => void send(e)} className="row">
        <div className="stack" style={{ flex: 1 }}>
          <label htmlFor={`${id}-msg`}>Message</label>
          <textarea
            id={`${id}-msg`}
            rows={3}
            style={{ width: '100%' }}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault()
                e.currentTarget.form?.requestSubmit()
              }
            }}
          />
        </div>
        <button type="submit" disabled={streaming || !draft.trim()} aria-busy={streaming}>
          {streaming ? 'Streaming…' : 'Send'}
        </button>
        {streaming && (
          <button type="button" onClick={stop}>
            Stop
          </button>
        )}
      </form>
    </section>
  )
}
