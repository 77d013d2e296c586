// The app every wrapper bench drives, on one build of the packages: the memory stores (so a figure
// is the wrapper's own cost, not a database's), a sliding-window rule no run reaches, USERS funded
// users, and `after` tasks collected so a driver can await every call's settle inside its
// measurement. next-with-credits.ts and profile-metering.ts build it on this checkout's packages
// (`memoryMeteredNext`); ab-wrapper.mjs and wrapper-alloc.mjs on the build they are given, with a
// fixed-price JSON route and the same route unmetered (`loadWrapperApp`).

export const USERS = 100

/**
 * The instance, on `packages` ({ core, next }: the modules of @metered/core and @metered/next;
 * this checkout's when omitted), with `USERS` accounts `user-0` ... granted more credits than any
 * run spends.
 */
export async function memoryMeteredNext(packages) {
  const { core, next } = packages ?? { core: await import('@metered/core'), next: await import('@metered/next') }
  const stores = core.createMemoryStores()
  const pending = []
  const metered = next.createMeteredNext({
    ...stores,
    limiter: core.createLimiter({
      store: stores.limiterStore,
      rules: { minute: core.slidingWindow({ limit: 1_000_000_000, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: core.fixed(0.001) },
    identify: (req) => {
      const id = req.headers.get('x-user')
      return id ? { id } : null
    },
    after: (task) => {
      pending.push(task)
    },
  })
  for (let u = 0; u < USERS; u++) {
    await stores.ledger.grant({ account: `user-${u}`, amount: 1e12, source: 'bench', idempotencyKey: `g${u}` })
  }
  return { stores, metered, pending }
}

/**
 * The app on the build in `root` (a packages/ directory, built). Each of `core` (authorize and
 * settle by hand), `next` (the route through withCredits) and `bare` (the route unmetered) makes
 * call number `i` and checks its answer.
 */
export async function loadWrapperApp(root) {
  const { metered, pending } = await memoryMeteredNext({
    core: await import(`${root}/core/dist/index.js`),
    next: await import(`${root}/next/dist/index.js`),
  })
  const wrapped = metered.withCredits({ feature: 'generate', price: 0.001, body: 'json' }, async (_r, ctx) =>
    Response.json({ n: ctx.body.prompt.length }),
  )
  const bare = async (req) => Response.json({ n: (await req.json()).prompt.length })
  const request = (i) =>
    new Request('http://localhost/api/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': `user-${i % USERS}` },
      body: '{"prompt":"Write a haiku about metering."}',
    })
  const answered = async (r) => {
    if (r.status !== 200) throw new Error(`wrong result: status ${r.status}`)
    await r.arrayBuffer()
  }
  return {
    async core(i) {
      const a = await metered.metered.authorize({ account: `user-${i % USERS}`, feature: 'generate', estimate: 0.001 })
      if (!a.ok) throw new Error(`wrong result: authorize refused (${a.reason})`)
      await a.ticket.settle({ units: 1 })
    },
    async next(i) {
      await answered(await wrapped(request(i)))
      await Promise.all(pending.splice(0))
    },
    async bare(i) {
      await answered(await bare(request(i)))
    },
  }
}
