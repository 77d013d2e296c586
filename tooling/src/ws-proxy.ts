// A loopback WebSocket-to-TCP proxy, the self-hosted stand-in for Neon's WebSocket endpoint, so
// that `@neondatabase/serverless` (and `@vercel/postgres`, which wraps it) can talk to the test
// PostgreSQL or PgBouncer. Each WebSocket carries one Postgres connection: binary frames in, bytes
// out to the TCP server, and back. Point the driver at it with
// `neonConfig.wsProxy = (host, port) => proxy.wsProxy(host, port)`, `useSecureWebSocket = false`.
import net from 'node:net'
import { type RawData, WebSocket, WebSocketServer } from 'ws'

export interface WsProxy {
  /** 127.0.0.1:<port>, without a protocol (the driver adds ws://). */
  readonly host: string
  /**
   * The value for Neon's `neonConfig.wsProxy`: every database host is reached on loopback at the
   * given port (the test servers listen there), so a connection string may name any host.
   */
  wsProxy(host: string, port: number | string): string
  /** TCP connections opened through the proxy so far. */
  readonly connections: number
  close(): Promise<void>
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}

/** Starts the proxy on a free loopback port. A request's `?address=host:port` names the TCP server. */
export async function startWsProxy(): Promise<WsProxy> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  let connections = 0
  const sockets = new Set<net.Socket>()
  server.on('connection', (ws, request) => {
    const address = new URL(request.url ?? '/', 'http://proxy').searchParams.get('address') ?? ''
    const match = /^(.*):(\d+)$/.exec(address)
    if (!match) {
      ws.close(1008, 'address=host:port required')
      return
    }
    connections++
    const tcp = net.connect(Number(match[2]), '127.0.0.1')
    sockets.add(tcp)
    tcp.setNoDelay(true)
    // Bytes the client sends before the TCP connection is up are buffered by the socket.
    ws.on('message', (data) => tcp.write(toBuffer(data)))
    tcp.on('data', (chunk) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(chunk)
    })
    const end = () => {
      sockets.delete(tcp)
      tcp.destroy()
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close()
    }
    tcp.on('close', end)
    tcp.on('error', end)
    ws.on('close', end)
    ws.on('error', end)
  })
  const { port } = server.address() as net.AddressInfo
  const host = `127.0.0.1:${port}`
  return {
    host,
    wsProxy: (_host, dbPort) => `${host}/v1?address=127.0.0.1:${dbPort}`,
    get connections() {
      return connections
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of server.clients) ws.terminate()
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
