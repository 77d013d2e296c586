import net from 'node:net'

/**
 * Counts the commands a redis-server receives from clients, with MONITOR: commands run inside a
 * Lua script show as `[<db> lua]` and are left out, so a script call counts once.
 */
export interface CommandMonitor {
  /** Client commands seen since start (or `reset()`), excluding this monitor's own. */
  readonly count: number
  /** Resolves once every command sent so far has had time to be echoed. */
  settle(): Promise<void>
  reset(): void
  close(): void
}

export async function monitorCommands(url: string): Promise<CommandMonitor> {
  const { hostname, port } = new URL(url)
  const socket = net.connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let count = 0
  let buffer = ''
  let pings = 0
  let pong: (() => void) | undefined
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8')
    let nl = buffer.indexOf('\r\n')
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 2)
      // `+<time> [<db> <client addr>] "cmd" ...`; the marker lets settle() know the echo caught up
      if (line.includes('"ECHO" "metered-monitor-mark"') || line.includes('"echo" "metered-monitor-mark"')) {
        pings -= 1
        if (pings === 0) pong?.()
      } else if (/^\+\d+\.\d+ \[\d+ /.test(line) && !/^\+\d+\.\d+ \[\d+ lua\]/.test(line)) {
        count += 1
      }
      nl = buffer.indexOf('\r\n')
    }
  })
  socket.write('MONITOR\r\n')
  const marker = net.connect(Number(port), hostname)
  marker.on('data', () => {})
  return {
    get count() {
      return count
    },
    settle: () =>
      new Promise<void>((resolve) => {
        pings += 1
        pong = resolve
        marker.write('ECHO metered-monitor-mark\r\n')
      }),
    reset: () => {
      count = 0
    },
    close: () => {
      socket.destroy()
      marker.destroy()
    },
  }
}
