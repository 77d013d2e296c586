import type { RedisCluster } from '@metered/tooling'
import { Cluster as IoredisCluster } from 'ioredis'
import { createCluster } from 'redis'
import { fromIoredis, fromNodeRedis } from '../../src/index.js'
import type { TestClient } from './clients.js'

export type ClusterFlavour = 'node-redis cluster' | 'ioredis cluster'
export const CLUSTER_FLAVOURS: ClusterFlavour[] = ['node-redis cluster', 'ioredis cluster']

/** A cluster client of one flavour on `cluster`, adapted to the stores' narrow type. */
export async function connectCluster(flavour: ClusterFlavour, cluster: RedisCluster): Promise<TestClient> {
  switch (flavour) {
    case 'node-redis cluster': {
      const redis = createCluster({ rootNodes: cluster.urls.map((url) => ({ url })) })
      redis.on('error', () => {})
      await redis.connect()
      return { client: fromNodeRedis(redis), close: () => redis.close() }
    }
    case 'ioredis cluster': {
      const redis = new IoredisCluster([...cluster.nodes], { lazyConnect: true })
      redis.on('error', () => {})
      await redis.connect()
      return { client: fromIoredis(redis), close: () => redis.quit().then(() => undefined) }
    }
  }
}
