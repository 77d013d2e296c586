import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startWsProxy } from '../src/index.js'

describe('startWsProxy', () => {
  it('carries bytes both ways between a WebSocket and the TCP server named by ?address=', async () => {
    // a TCP server that answers every chunk with its bytes reversed
    const server = net.createServer((socket) => socket.on('data', (d) => socket.write(Buffer.from(d).reverse())))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as net.AddressInfo
    const proxy = await startWsProxy()
    try {
      // the driver names the database host; the proxy reaches it on loopback
      const ws = new WebSocket(`ws://${proxy.wsProxy('db.example.invalid', port)}`)
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      const reply = new Promise<Buffer>((resolve) => ws.once('message', (d) => resolve(d as Buffer)))
      ws.send(Buffer.from([1, 2, 3]))
      expect([...(await reply)]).toEqual([3, 2, 1])
      expect(proxy.connections).toBe(1)
      ws.close()
    } finally {
      await proxy.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('refuses a WebSocket without an address', async () => {
    const proxy = await startWsProxy()
    try {
      const ws = new WebSocket(`ws://${proxy.host}/v1`)
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)))
      expect(code).toBe(1008)
      expect(proxy.connections).toBe(0)
    } finally {
      await proxy.close()
    }
  })
})
