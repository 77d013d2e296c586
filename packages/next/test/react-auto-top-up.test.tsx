// @vitest-environment happy-dom
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AutoTopUpSettings, MeteredProvider } from '../src/react/index.js'
import { createAutoTopUpRoutes } from '../src/routes/index.js'
import { autoTopUpApp } from './auto-top-up-setup.js'
import { fakeApi } from './react-helpers.js'

const PACKS = [
  { id: 'pack-5', name: '5,000 credits for $5' },
  { id: 'dashboard-only', name: '10,000 credits' },
]

/**
 * The component against the real settings route, signed in as alice, with `saved` settings if
 * given. With `gated`, the saved settings reach the component only once `release()` is called.
 */
async function app(options: { saved?: { enabled: boolean; threshold: number; packId: string }; gated?: boolean } = {}) {
  const { deps, topUp } = autoTopUpApp(() => ({ id: 'alice' }))
  if (options.saved) await topUp.configure('alice', options.saved)
  const routes = createAutoTopUpRoutes(deps, topUp)
  let release = () => {}
  const gate = options.gated
    ? new Promise<void>((resolve) => {
        release = resolve
      })
    : null
  const api = fakeApi({
    'GET /api/auto-top-up': async (req) => {
      await gate
      return routes.GET(req, { params: Promise.resolve({}) })
    },
    'POST /api/auto-top-up': (req) => routes.POST(req, { params: Promise.resolve({}) }),
  })
  render(
    <MeteredProvider fetch={api.fetch}>
      <AutoTopUpSettings packs={PACKS} />
    </MeteredProvider>,
  )
  return { api, topUp, release }
}

describe('AutoTopUpSettings', () => {
  it('saves threshold, pack and the switch for the signed-in account', async () => {
    const { topUp } = await app()
    await waitFor(() => expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false))
    fireEvent.click(screen.getByRole('checkbox'))
    fireEvent.change(screen.getByLabelText('When credits fall below'), { target: { value: '20' } })
    fireEvent.change(screen.getByLabelText('Buy'), { target: { value: 'pack-5' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(async () =>
      expect(await topUp.settings('alice')).toEqual({ enabled: true, threshold: 20, packId: 'pack-5', paused: null }),
    )
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('keeps what the user typed when the saved settings arrive after it', async () => {
    const { release } = await app({ saved: { enabled: true, threshold: 10, packId: 'pack-5' }, gated: true })
    const input = screen.getByLabelText('When credits fall below') as HTMLInputElement
    fireEvent.change(input, { target: { value: '42' } })
    expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', true)
    release()
    // Enabled once the saved settings have loaded.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false))
    expect(input.value).toBe('42')
  })

  it('keeps an edit made after the saved settings render but before their effect runs', async () => {
    // The window the test targets: the render that shows the loaded settings has committed, and
    // the effect that copies them into the form has not run yet (React runs it in a later task).
    // A MutationObserver callback runs right after that commit, so the click lands in the window
    // every time. A native click, not fireEvent: fireEvent's act() would run the effect first.
    const { topUp, release } = await app({ saved: { enabled: false, threshold: 10, packId: 'pack-5' }, gated: true })
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement
    const checkbox = screen.getByRole('checkbox') as HTMLInputElement
    const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean | undefined }
    const before = actEnvironment.IS_REACT_ACT_ENVIRONMENT
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false
    let clickedInWindow = false
    try {
      const clicked = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (save.disabled) return
          observer.disconnect()
          clickedInWindow = !checkbox.checked
          checkbox.click()
          resolve()
        })
        observer.observe(save, { attributes: true, attributeFilter: ['disabled'] })
      })
      release()
      await clicked
      // Let React run the pending effect and every render after it.
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      actEnvironment.IS_REACT_ACT_ENVIRONMENT = before
    }
    expect(clickedInWindow).toBe(true)
    // The switch is as clicked; the fields not touched show the saved settings.
    expect(checkbox.checked).toBe(true)
    expect((screen.getByLabelText('When credits fall below') as HTMLInputElement).value).toBe('10')
    expect((screen.getByLabelText('Buy') as HTMLSelectElement).value).toBe('pack-5')
    fireEvent.click(save)
    await waitFor(async () =>
      expect(await topUp.settings('alice')).toEqual({
        enabled: true,
        threshold: 10,
        packId: 'pack-5',
        paused: null,
      }),
    )
  })

  it("shows the server's refusal and saves nothing", async () => {
    const { topUp } = await app()
    await waitFor(() => expect(screen.getByRole('button', { name: 'Save' })).toHaveProperty('disabled', false))
    fireEvent.click(screen.getByRole('checkbox'))
    fireEvent.change(screen.getByLabelText('When credits fall below'), { target: { value: '5' } })
    fireEvent.change(screen.getByLabelText('Buy'), { target: { value: 'dashboard-only' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('packId')
    expect((await topUp.settings('alice')).enabled).toBe(false)
  })

  it('says why a paused top-up stopped', async () => {
    const { deps, topUp, store } = autoTopUpApp(() => ({ id: 'alice' }))
    await topUp.configure('alice', { enabled: true, threshold: 10, packId: 'pack-5' })
    // What a declined charge leaves in the store (the Stripe tests drive the charge itself).
    const claim = await store.claim('alice', { available: 0, now: 1, periodStart: 0, maxPerPeriod: 3, staleBefore: 0 })
    await store.close('alice', claim?.seq ?? -1, 'card_declined')
    const routes = createAutoTopUpRoutes(deps, topUp)
    const api = fakeApi({ 'GET /api/auto-top-up': (req) => routes.GET(req, { params: Promise.resolve({}) }) })
    render(
      <MeteredProvider fetch={api.fetch}>
        <AutoTopUpSettings packs={PACKS} />
      </MeteredProvider>,
    )
    expect((await screen.findByRole('status')).textContent).toContain('card was declined')
    await waitFor(() => expect(screen.getByRole('checkbox')).toHaveProperty('checked', true))
  })
})
