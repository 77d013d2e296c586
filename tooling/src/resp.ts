// A minimal Redis client over raw RESP2: enough for tests' housekeeping (PING, FLUSHALL, INFO...)
// and for the loopback REST bridge, without a client library dependency.
import net from 'node:net'

export type RespValue = string | number | null | RespValue[] | RedisReplyError

export class RedisReplyError extends Error {
  override name = 'RedisReplyError'
}

export function encodeCommand(args: ReadonlyArray<string | number | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
  for (const arg of args) {
    const buf = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg))
    parts.push(Buffer.from(`$${buf.length}\r\n`), buf, Buffer.from('\r\n'))
  }
  return Buffer.concat(parts)
}

/**
 * Parse one RESP value from `buf` at `offset`. Returns undefined when more bytes are needed.
 * Errors inside arrays become RedisReplyError values; a top-level error is returned as a value too.
 */
export function parseReply(buf: Buffer, offset = 0): { value: RespValue; next: number } | undefined {
  const lineEnd = buf.indexOf('\r\n', offset)
  if (lineEnd < 0) return undefined
  const type = String.fromCharCode(buf[offset]!)
  const line = buf.toString('utf8', offset + 1, lineEnd)
  const after = lineEnd + 2
  switch (type) {
    case '+':
      return { value: line, next: after }
    case '-':
      return { value: new RedisReplyError(line), next: after }
    case ':':
      return { value: Number(line), next: after }
    case '$': {
      const len = Number(line)
      if (len < 0) return { value: null, next: after }
      if (buf.length < after + len + 2) return undefined
      return { value: buf.toString('utf8', after, after + len), next: after + len + 2 }
    }
    case '*': {
      const count = Number(line)
      if (count < 0) return { value: null, next: after }
      const items: RespValue[] = []
      let next = after
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next)
        if (!item) return undefined
        items.push(item.value)
        next = item.next
      }
      return { value: items, next }
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`)
  }
}

function parseRedisUrl(url: string): { host: string; port: number; password?: string; db?: number } {
  const u = new URL(url)
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : undefined
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined && !Number.isNaN(db) ? { db } : {}),
  }
}

/**
 * Open a connection, send the commands (pipelined), return their replies, close.
 * Replies that are errors come back as RedisReplyError values (not thrown).
 */
export function redisPipeline(
  url: string,
  commands: ReadonlyArray<ReadonlyArray<string | number | Buffer>>,
  { timeoutMs = 5000 }: { timeoutMs?: number } = {},
): Promise<RespValue[]> {
  const { host, port, password, db } = parseRedisUrl(url)
  const prelude: (string | number)[][] = []
  if (password) prelude.push(['AUTH', password])
  if (db !== undefined) prelude.push(['SELECT', db])
  const all = [...prelude, ...commands]
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let buf = Buffer.alloc(0)
    const replies: RespValue[] = []
    let offset = 0
    const timer = setTimeout(() => fail(new Error(`redis ${host}:${port}: no reply within ${timeoutMs} ms`)), timeoutMs)
    function fail(error: Error) {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    socket.on('error', fail)
    socket.on('connect', () => socket.write(Buffer.concat(all.map(encodeCommand))))
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      try {
        for (;;) {
          const parsed = parseReply(buf, offset)
          if (!parsed) break
          replies.push(parsed.value)
          offset = parsed.next
        }
      } catch (error) {
        fail(error as Error)
        return
      }
      if (replies.length >= all.length) {
        clearTimeout(timer)
        socket.end()
        const own = replies.slice(prelude.length)
        const preludeError = replies.slice(0, prelude.length).find((r) => r instanceof RedisReplyError)
        if (preludeError) reject(preludeError)
        else resolve(own)
      }
    })
    socket.on('close', () => {
      if (replies.length < all.length) fail(new Error(`redis ${host}:${port}: connection closed before all replies`))
    })
  })
}

/** One command; an error reply is thrown as RedisReplyError. */
export async function redisCommand(
  url: string,
  args: ReadonlyArray<string | number | Buffer>,
  options?: { timeoutMs?: number },
): Promise<RespValue> {
  const [reply] = await redisPipeline(url, [args], options)
  if (reply instanceof RedisReplyError) throw reply
  return reply ?? null
}
