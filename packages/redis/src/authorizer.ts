import type { AuthorizeStoreResult, Clock, ConsumeResult } from '@metered/core'
import { type AuthorizerDriver, IdempotencyConflictError } from '@metered/core/adapter'
import type { RedisScriptClient } from './client.js'
import { accountKeys, encodeTagPart, idempotencyKey, limiterKey } from './keys.js'
import { consumeResultOf, ruleArgs } from './limiter-reply.js'
import { INJECTED_CLOCK_MIN_PX } from './limiter-store.js'
import { AUTHORIZE_LUA } from './lua/authorize.js'
import { defineScript, runScript } from './script.js'

const authorizeScript = /* @__PURE__ */ defineScript('authorize', AUTHORIZE_LUA)

export interface RedisAuthorizerOptions {
  prefix: string
  clock?: Clock | undefined
  historyLimit: number
  closedHoldsLimit: number
}

/**
 * The one-step authorize driver over Redis: rules + balance check + hold (or debit) in ONE
 * script, so a refused authorize writes nothing anywhere and an admitted one costs one round
 * trip. `createMetered` takes this path when its limiter uses the limiter store of the same
 * `createRedisStores`. On Redis Cluster the limiter keys must share the account's slot: limit
 * by the account itself (createMetered's default), whose tag `{<account>}` is the ledger's; see
 * docs/redis.md.
 */
export function createRedisAuthorizerDriver(
  client: RedisScriptClient,
  options: RedisAuthorizerOptions,
): AuthorizerDriver {
  const { prefix, clock } = options
  return {
    async authorize({ reserve: n, fingerprint, charge, items }): Promise<AuthorizeStoreResult> {
      const keys = accountKeys(prefix, n.account)
      keys.push(n.idempotencyKey === null ? (keys[0] as string) : idempotencyKey(prefix, n.account, n.idempotencyKey))
      const now = clock?.now()
      const args = [
        now === undefined ? '' : String(now),
        String(options.historyLimit),
        String(options.closedHoldsLimit),
        encodeTagPart(n.account),
        n.account,
        fingerprint ?? '',
        String(n.amount),
        String(n.ttlMs),
        n.reason,
        n.metadata === null ? '' : JSON.stringify(n.metadata),
        charge ? '1' : '0',
        clock ? String(INJECTED_CLOCK_MIN_PX) : '0',
        String(items.length),
      ]
      for (const item of items) {
        keys.push(limiterKey(prefix, item.key, item.name))
        args.push(...ruleArgs(item))
      }
      const raw = await runScript(client, authorizeScript, keys, args)
      const reply = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
        s: 'ok' | 'conflict'
        r: Record<string, unknown>
        l: string
      }
      if (reply.s === 'conflict') throw new IdempotencyConflictError(n.idempotencyKey ?? '')
      const limits: ConsumeResult = consumeResultOf(items, reply.l, now)
      return { ...reply.r, limits } as unknown as AuthorizeStoreResult
    },
  }
}
