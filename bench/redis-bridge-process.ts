// Runs the Upstash REST bridge in a process of its own for bench/redis-limit.ts: the REST
// server's CPU then stays out of the measured client process, as Upstash's does in production.
// Prints one JSON line { url, token } and serves until stdin closes.
import { startUpstashBridge } from '@metered/tooling'

const bridge = await startUpstashBridge(process.argv[2] ?? 'redis://127.0.0.1:6379')
process.stdout.write(`${JSON.stringify({ url: bridge.url, token: bridge.token })}\n`)
process.stdin.resume()
process.stdin.on('end', () => void bridge.close().then(() => process.exit(0)))
