import { type ProblemCode, problemResponse } from '@metered/core/http'
import { cleanup, type RenderResult, render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, vi } from 'vitest'
import { MeteredProvider, type MeteredProviderProps } from '../src/react/index.js'

afterEach(() => {
  cleanup()
})

type Handler = (req: Request) => Response | Promise<Response>

/** A JSON response with optional headers, as the metered routes send. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { 'content-type': 'application/json', ...init.headers },
  })
}

/**
 * A refusal exactly as the server sends it (`problemResponse` of @metered/core/http), with a
 * recognisable detail unless `members.detail` is given.
 */
export function problem(
  code: ProblemCode,
  members: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const { detail, ...extensions } = members
  return problemResponse(code, {
    detail: typeof detail === 'string' ? detail : `${code} detail`,
    extensions: extensions as never,
    headers,
  })
}

/**
 * The client's network boundary: a `fetch` answering `METHOD /path` from handlers with real
 * `Response` objects, recording every request (with its body text) so tests can count them.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Array<{ method: string; path: string; search: URLSearchParams; body: string | null }> = []
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input), 'http://app.test')
    const method = init?.method ?? 'GET'
    const body = typeof init?.body === 'string' ? init.body : null
    calls.push({ method, path: url.pathname, search: url.searchParams, body })
    const handler = routes[`${method} ${url.pathname}`]
    const req = new Request(url, { method, ...(body !== null && { body }), headers: init?.headers ?? {} })
    return handler ? handler(req) : problem('not_found')
  })
  const count = (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).length
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls, count }
}

/** Renders `ui` inside a provider using `fetch`. */
export function renderWithProvider(ui: ReactNode, props: Omit<MeteredProviderProps, 'children'> = {}): RenderResult {
  return render(<MeteredProvider {...props}>{ui}</MeteredProvider>)
}

export const tick = () => new Promise((r) => setTimeout(r, 0))
