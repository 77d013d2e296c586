import type { AuthorizeStoreResult } from '@metered/core'
import type { AuthorizerDriver } from '@metered/core/adapter'
import { type Ctx, callFn, jsonParam, nowParam } from './call.js'
import { limiterItems } from './limiter-store.js'

/**
 * The one-step authorize on Postgres: limiter rules, balance check and hold (or debit) in one
 * call of the `authorize` function, so a refusal of either kind writes nothing anywhere. Built
 * into an `Authorizer` with the limiter store of the same `createPostgresStores` call:
 * `createMetered` only takes this path when the limiter uses exactly that store.
 */
export function createPostgresAuthorizerDriver(ctx: Ctx): AuthorizerDriver {
  return {
    async authorize({ reserve: n, fingerprint, charge, items }) {
      return await callFn<AuthorizeStoreResult>(
        ctx,
        'authorize',
        [
          [n.account, 'text'],
          [n.amount, 'bigint'],
          [n.ttlMs, 'bigint'],
          [n.reason, 'text'],
          [charge, 'boolean'],
          [n.idempotencyKey, 'text'],
          [fingerprint, 'text'],
          jsonParam(n.metadata),
          jsonParam(limiterItems(items)),
          nowParam(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },
  }
}
