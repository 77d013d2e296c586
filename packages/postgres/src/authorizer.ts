import {
  type Authorizer,
  type AuthorizeStoreResult,
  fingerprint,
  type LimiterStore,
  normalizeAuthorizeInput,
} from '@metered/core'
import { type Ctx, callFn, jsonParam, nowParam } from './call.js'
import { limiterItems } from './limiter-store.js'

/**
 * The one-step authorize on Postgres: limiter rules, balance check and hold (or debit) in one
 * call of the `authorize` function, so a refusal of either kind writes nothing anywhere.
 * `limiterStore` must be the store of the same `createPostgresStores` call: `createMetered` only
 * takes this path when the limiter uses exactly that store.
 */
export function createPostgresAuthorizer(ctx: Ctx, limiterStore: LimiterStore): Authorizer {
  return {
    limiterStore,
    async authorize(input) {
      // Validated as every authorizer does (a reserve plus a limiter request), before any SQL.
      const { reserve: n, items } = normalizeAuthorizeInput(input)
      return await callFn<AuthorizeStoreResult>(
        ctx,
        'authorize',
        [
          [n.account, 'text'],
          [n.amount, 'bigint'],
          [n.ttlMs, 'bigint'],
          [n.reason, 'text'],
          [input.charge === true, 'boolean'],
          [n.idempotencyKey, 'text'],
          [n.idempotencyKey ? fingerprint('reserve', n) : null, 'text'],
          jsonParam(n.metadata),
          jsonParam(limiterItems(items)),
          nowParam(ctx),
        ],
        n.idempotencyKey ?? undefined,
      )
    },
  }
}
