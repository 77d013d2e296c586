// A loopback HTTP server speaking the Upstash REST protocol to a real redis-server, so tests and
// benchmarks run the real `@upstash/redis` client end to end without an Upstash account.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient } from 'redis'

export interface UpstashBridge {
  /** Pass as `url` to `new Redis({ url, token })`. */
  url: string
  token: string
  /** Top-level commands received (a pipeline of n counts n), since start or `resetCount()`. */
  readonly commands: number
  resetCount(): void
  close(): Promise<void>
}

type Reply = { result: unknown } | { error: string }
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
const b64 = (v: unknown): unknown =>
  typeof v === 'string' ? Buffer.from(v).toString('base64') : Array.isArray(v) ? v.map(b64) : v

/**
 * Starts the bridge on a free loopback port. Scripts starting with a `#!lua flags=...` line
 * (@upstash/ratelimit's `allow-key-locking`, which stock redis-server refuses) are run without it,
 * and EVALSHA of the original script's SHA1 is mapped to the stripped script's, so such clients
 * keep their one-request-per-call path.
 * @example const bridge = await startUpstashBridge(process.env.REDIS_URL!); new Redis({ url: bridge.url, token: bridge.token })
 */
export async function startUpstashBridge(redisUrl: string, token = 'bridge-token'): Promise<UpstashBridge> {
  const redis = createClient({ url: redisUrl, RESP: 2 })
  redis.on('error', () => {}) // reconnects by itself; commands fail with their own errors meanwhile
  await redis.connect()
  const shaMap = new Map<string, string>()
  let commands = 0

  function rewrite(cmd: string[]): string[] {
    const name = cmd[0]?.toLowerCase()
    const at =
      name === 'eval' || name === 'eval_ro' ? 1 : name === 'script' && cmd[1]?.toLowerCase() === 'load' ? 2 : -1
    const script = cmd[at]
    if (script?.startsWith('#!')) {
      const stripped = script.slice(script.indexOf('\n') + 1)
      shaMap.set(sha1(script), sha1(stripped))
      return cmd.map((a, i) => (i === at ? stripped : a))
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && cmd[1])
      return cmd.map((a, i) => (i === 1 ? (shaMap.get(a) ?? a) : a))
    return cmd
  }
  const run = (cmd: string[]): Promise<Reply> =>
    redis.sendCommand(rewrite(cmd)).then(
      (result) => ({ result }),
      (e: Error) => ({ error: e.message }),
    )

  async function handle(req: IncomingMessage, send: (status: number, body: unknown) => void): Promise<void> {
    if (req.method !== 'POST' || req.headers.authorization !== `Bearer ${token}`)
      return send(401, { error: 'Unauthorized' })
    let text = ''
    for await (const chunk of req) text += chunk
    const body = JSON.parse(text) as unknown[]
    const encode = (r: Reply): Reply =>
      'result' in r && req.headers['upstash-encoding'] === 'base64' ? { result: b64(r.result) } : r
    const path = req.url?.split('?')[0]
    if (path === '/pipeline' || path === '/multi-exec') {
      const cmds = (body as unknown[][]).map((c) => c.map(String))
      commands += cmds.length
      if (path === '/pipeline') return send(200, (await Promise.all(cmds.map(run))).map(encode))
      const multi = redis.multi()
      for (const c of cmds) multi.addCommand(rewrite(c))
      const results = await multi.exec().then(
        (rs) => rs.map((result) => (result instanceof Error ? { error: result.message } : { result })),
        (e: Error) => [{ error: e.message }],
      )
      return send(200, results.map(encode))
    }
    commands += 1
    const reply = await run(body.map(String))
    send('error' in reply ? 400 : 200, encode(reply))
  }

  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    // a malformed request is the client's problem, never a crash of the test process
    handle(req, send).catch((e: Error) => {
      if (!res.headersSent) send(400, { error: `ERR bridge: ${e.message}` })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get commands() {
      return commands
    },
    resetCount: () => {
      commands = 0
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await redis.quit().catch(() => redis.destroy())
    },
  }
}
