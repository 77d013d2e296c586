// The app both wrapper benches drive (ab-wrapper.mjs, wrapper-alloc.mjs): one build of the
// packages (`root` is its packages/ directory, built), memory stores, one sliding-window rule,
// 100 funded users, a JSON route with a fixed price, and the same route without metering.
// Each of `core`, `next` and `bare` makes call number `i` and checks its answer.
export async function loadWrapperApp(root) {
  const core = await import(`${root}/core/dist/index.js`)
  const next = await import(`${root}/next/dist/index.js`)
  const stores = core.createMemoryStores()
  const pending = []
  const m = next.createMeteredNext({
    ...stores,
    limiter: core.createLimiter({
      store: stores.limiterStore,
      rules: { minute: core.slidingWindow({ limit: 1e9, window: '1 m' }) },
    }),
    unitsPerCredit: 1000,
    pricing: { generate: core.fixed(0.001) },
    identify: (req) => ({ id: req.headers.get('x-user') }),
    after: (t) => {
      pending.push(t)
    },
  })
  for (let u = 0; u < 100; u++)
    await stores.ledger.grant({ account: `user-${u}`, amount: 1e12, source: 'b', idempotencyKey: `g${u}` })
  const wrapped = m.withCredits({ feature: 'generate', price: 0.001, body: 'json' }, async (_r, ctx) =>
    Response.json({ n: ctx.body.prompt.length }),
  )
  const bare = async (req) => Response.json({ n: (await req.json()).prompt.length })
  const request = (i) =>
    new Request('http://localhost/api/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': `user-${i % 100}` },
      body: '{"prompt":"Write a haiku about metering."}',
    })
  const answered = async (r) => {
    if (r.status !== 200) throw new Error(`wrong result: status ${r.status}`)
    await r.arrayBuffer()
  }
  return {
    async core(i) {
      const a = await m.metered.authorize({ account: `user-${i % 100}`, feature: 'generate', estimate: 0.001 })
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
