import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

/**
 * A route handler behind a real node HTTP server, wired the way Next's node server wires it: the
 * request's signal aborts when the client's connection closes before the response finished, and
 * the response body is cancelled then. Lets a test cut a connection at an exact byte.
 */
export async function serveRoute(handler: (req: Request) => Promise<Response>) {
  const server = createServer(async (req, res) => {
    const controller = new AbortController()
    let cancelBody: (() => void) | null = null
    res.on('close', () => {
      if (res.writableFinished) return
      controller.abort(new Error('client disconnected'))
      cancelBody?.()
    })
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value)
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit)
    let response: Response
    try {
      response = await handler(request)
    } catch {
      if (!res.destroyed) res.writeHead(500).end()
      return
    }
    if (res.destroyed) {
      await response.body?.cancel().catch(() => {})
      return
    }
    res.statusCode = response.status
    for (const [name, value] of response.headers) res.setHeader(name, value)
    if (!response.body) {
      res.end()
      return
    }
    res.flushHeaders()
    const reader = response.body.getReader()
    cancelBody = () => void reader.cancel(new Error('client disconnected')).catch(() => {})
    try {
      for (;;) {
        const next = await reader.read()
        if (next.done) break
        if (res.destroyed) return
        if (!res.write(next.value)) await Promise.race([once(res, 'drain'), once(res, 'close')])
      }
      res.end()
    } catch {
      res.destroy()
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A raw HTTP client that can walk away at an exact byte of the response body: `until(n)` resolves
 * once n body bytes arrived, `cut()` destroys the connection, `rest()` reads to the end.
 */
export function openRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  const req = httpRequest(url, { method: init.method ?? 'POST', headers: init.headers ?? {} })
  let received = Buffer.alloc(0)
  let ended = false
  const waiters: Array<() => void> = []
  const wake = () => {
    for (const w of waiters.splice(0)) w()
  }
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk])
        wake()
      })
      res.on('end', () => {
        ended = true
        wake()
      })
      res.on('error', () => {})
      resolve(res)
    })
    req.on('error', reject)
  })
  response.catch(() => {})
  if (init.body !== undefined) req.write(init.body)
  req.end()
  const wait = async (done: () => boolean) => {
    while (!done()) {
      if (ended || req.destroyed) throw new Error(`connection ended with ${received.length} bytes`)
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return {
    response,
    /** Resolves once at least `n` body bytes arrived (throws if the body ends first). */
    until: (n: number) => wait(() => received.length >= n),
    get received() {
      return received
    },
    /** Reads to the end of the body. */
    rest: async () => {
      await response
      while (!ended) await new Promise<void>((resolve) => waiters.push(resolve))
      return received
    },
    /** The client goes away: the connection is destroyed. */
    cut: () => {
      req.destroy()
      wake()
    },
  }
}
