'use client'
import { LowCreditsNotice, RateLimitNotice, useMeteredFetch } from '@metered/next/react'
import Link from 'next/link'
import { type FormEvent, useId, useState } from 'react'

type Result = { demo: boolean; images: Array<{ id: string; src: string }> }

export function ImageForm({ signedIn }: { signedIn: boolean }) {
  const meteredFetch = useMeteredFetch()
  const [prompt, setPrompt] = useState('')
  const [n, setN] = useState(1)
  const [size, setSize] = useState('1024x1024')
  const [quality, setQuality] = useState('low')
  const [pending, setPending] = useState(false)
  const [result, setResult] = useState<Result | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [needsSignIn, setNeedsSignIn] = useState(false)
  const id = useId()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setPending(true)
    setError(null)
    try {
      const res = await meteredFetch('/api/generate-image', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ prompt, n, size, quality }),
      })
      if (res.status === 401) setNeedsSignIn(true)
      else if (res.status === 402 || res.status === 429) setResult(null)
      else if (!res.ok) {
        const problem = (await res.json().catch(() => null)) as { detail?: string } | null
        setError(problem?.detail ?? `The request failed (${res.status}).`)
      } else setResult((await res.json()) as Result)
    } catch {
      setError('The connection failed; try again.')
    } finally {
      setPending(false)
    }
  }

  return (
    <section aria-label="Generate images">
      <form onSubmit={(e) => void submit(e)} className="card stack">
        <div className="stack">
          <label htmlFor={`${id}-prompt`}>Prompt</label>
          <textarea
            id={`${id}-prompt`}
            rows={2}
            required
            style={{ width: '100%' }}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
          />
        </div>
        <div className="row">
          <div className="stack">
            <label htmlFor={`${id}-n`}>Images</label>
            <select id={`${id}-n`} value={n} onChange={(e) => setN(Number(e.target.value))}>
              {[1, 2, 3, 4].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
          <div className="stack">
            <label htmlFor={`${id}-size`}>Size</label>
            <select id={`${id}-size`} value={size} onChange={(e) => setSize(e.target.value)}>
              <option value="1024x1024">1024x1024</option>
              <option value="1024x1536">1024x1536 (portrait)</option>
              <option value="1536x1024">1536x1024 (landscape)</option>
            </select>
          </div>
          <div className="stack">
            <label htmlFor={`${id}-quality`}>Quality</label>
            <select id={`${id}-quality`} value={quality} onChange={(e) => setQuality(e.target.value)}>
              <option value="low">low</option>
              <option value="medium">medium</option>
              <option value="high">high</option>
            </select>
          </div>
          <button type="submit" disabled={pending || !prompt.trim()} aria-busy={pending}>
            {pending ? 'Generating…' : 'Generate'}
          </button>
        </div>
      </form>
      {needsSignIn && (
        <p role="alert" className="notice">
          <Link href="/signin">Sign in</Link> to generate images.
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {/* Signed out there is no balance to read (the notice would ask for one and get a 401). */}
      {signedIn && <LowCreditsNotice className="notice" threshold={5} buyUrl="/buy-credits" />}
      <RateLimitNotice className="notice" />
      {result && (
        <div className="images" data-testid="images">
          {result.images.map((img) => (
            // biome-ignore lint/performance/noImgElement: data URLs, nothing for next/image to optimise
            <img
              key={img.id}
              src={img.src}
              alt={`${result.demo ? 'Demo placeholder' : 'Generated image'}: ${prompt}`}
            />
          ))}
        </div>
      )}
    </section>
  )
}
