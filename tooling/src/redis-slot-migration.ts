// Moving one slot of a running Redis Cluster from its master to another, step by step as
// `redis-cli --cluster reshard` does: IMPORTING on the target, MIGRATING on the source, MIGRATE
// the keys in batches, then SETSLOT ... NODE everywhere. Tests run calls while it happens.
import { type RedisTestClient, withRedis } from './redis-client.js'
import type { RedisCluster } from './redis-cluster.js'

/** CRC16 (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0
  for (const byte of bytes) {
    crc ^= byte << 8
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc
}

/** The slot of `key`, hash tags included (the text between the first `{` and the next `}`, if not empty). */
export function keySlot(key: string): number {
  const open = key.indexOf('{')
  if (open >= 0) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) key = key.slice(open + 1, close)
  }
  return crc16(new TextEncoder().encode(key)) % 16384
}

/** A master of the cluster and the slot ranges it serves. */
export interface ClusterMaster {
  id: string
  port: number
  url: string
  ranges: Array<[number, number]>
}

/** The masters as `CLUSTER SLOTS` on the first node reports them. */
export async function clusterMasters(cluster: RedisCluster): Promise<ClusterMaster[]> {
  const reply = (await withRedis(cluster.urls[0]!, (r) => r.sendCommand(['CLUSTER', 'SLOTS']))) as unknown as Array<
    [number, number, [string, number, string]]
  >
  const masters = new Map<string, ClusterMaster>()
  for (const [start, end, [, port, id]] of reply) {
    const master = masters.get(id) ?? { id, port: Number(port), url: `redis://127.0.0.1:${port}`, ranges: [] }
    master.ranges.push([Number(start), Number(end)])
    masters.set(id, master)
  }
  return [...masters.values()]
}

/** The master that serves `slot`. */
export async function slotOwner(cluster: RedisCluster, slot: number): Promise<ClusterMaster> {
  const owner = (await clusterMasters(cluster)).find((m) => m.ranges.some(([a, b]) => slot >= a && slot <= b))
  if (!owner) throw new Error(`no master serves slot ${slot}`)
  return owner
}

export interface MigrateSlotOptions {
  slot: number
  /** The master that receives the slot. @default any master other than the owner */
  to?: ClusterMaster
  /** Keys per MIGRATE. @default 10 (redis-cli's default pipeline) */
  batch?: number
  /** Called after every batch, e.g. to let calls run between batches. */
  afterBatch?: (moved: number) => Promise<void> | void
}

export interface SlotMigration {
  from: ClusterMaster
  to: ClusterMaster
  /** Keys moved by MIGRATE. */
  keys: number
  batches: number
}

async function withClients<T>(urls: string[], fn: (clients: RedisTestClient[]) => Promise<T>): Promise<T> {
  const [first, ...rest] = urls
  if (first === undefined) return fn([])
  return withRedis(first, (c) => withClients(rest, (others) => fn([c, ...others])))
}

/** Moves `slot` to another master while the cluster keeps serving it, as `redis-cli --cluster reshard` does. */
export async function migrateSlot(cluster: RedisCluster, options: MigrateSlotOptions): Promise<SlotMigration> {
  const { slot, batch = 10 } = options
  const masters = await clusterMasters(cluster)
  const from = masters.find((m) => m.ranges.some(([a, b]) => slot >= a && slot <= b))
  const to = options.to ?? masters.find((m) => m !== from)
  if (!from || !to || from.id === to.id) throw new Error(`slot ${slot}: no distinct source and target master`)
  const others = masters.filter((m) => m.id !== from.id && m.id !== to.id)
  return withClients([from.url, to.url, ...others.map((m) => m.url)], async ([source, target, ...rest]) => {
    const s = slot.toString()
    await target!.sendCommand(['CLUSTER', 'SETSLOT', s, 'IMPORTING', from.id])
    await source!.sendCommand(['CLUSTER', 'SETSLOT', s, 'MIGRATING', to.id])
    let keys = 0
    let batches = 0
    for (;;) {
      const names = (await source!.sendCommand([
        'CLUSTER',
        'GETKEYSINSLOT',
        s,
        batch.toString(),
      ])) as unknown as string[]
      if (names.length === 0) break
      await source!.sendCommand(['MIGRATE', '127.0.0.1', to.port.toString(), '', '0', '10000', 'KEYS', ...names])
      keys += names.length
      batches += 1
      await options.afterBatch?.(keys)
    }
    // the target first, so a client sent there by MOVED from the source is served
    for (const client of [target!, source!, ...rest]) await client.sendCommand(['CLUSTER', 'SETSLOT', s, 'NODE', to.id])
    return { from, to, keys, batches }
  })
}
