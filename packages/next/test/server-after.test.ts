import { describe, expect, it } from 'vitest'
import { createAfter } from '../src/server/after.js'

describe('after()', () => {
  it('hands tasks to an explicit after, with rejections swallowed', async () => {
    const seen: Promise<unknown>[] = []
    const after = createAfter((task) => {
      seen.push(task)
    })
    after(Promise.reject(new Error('store down')))
    expect(seen).toHaveLength(1)
    await expect(seen[0]).resolves.toBeUndefined()
  })

  it("outside a Next request scope, Next's after throws and the task still runs", async () => {
    const after = createAfter()
    let ran = false
    after(
      new Promise<void>((resolve) => {
        ran = true
        resolve()
      }),
    )
    // once next/server has loaded, calls are synchronous
    await new Promise((r) => setTimeout(r, 200))
    after(Promise.reject(new Error('ignored')))
    expect(ran).toBe(true)
  })
})
