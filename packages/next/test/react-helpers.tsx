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

/** An RFC 9457 refusal as docs/http-api.md lists them. */
export function problem(
  status: number,
  slug: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      type: `https://metered.dev/problems/${slug}`,
      title: slug,
      status,
      detail: `${slug} detail`,
      ...extensions,
    }),
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  )
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
    return handler ? handler(req) : problem(404, 'not-found')
  })
  const count = (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path).length
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls, count }
}

/** Renders `ui` inside a provider using `fetch`. */
export function renderWithProvider(ui: ReactNode, props: Omit<MeteredProviderProps, 'children'> = {}): RenderResult {
  return render(<MeteredProvider {...props}>{ui}</MeteredProvider>)
}

export const tick = () => new Promise((r) => setTimeout(r, 0))
