import { type FormEvent, useContext, useEffect, useId, useRef, useState } from 'react'
import { MeteredContext } from './context.js'
import { MeteredHttpError } from './problem.js'
import { requestJson, toError } from './request.js'
import type { AutoTopUpSettingsResponse } from './types.js'
import { useJson } from './use-json.js'

export interface AutoTopUpSettingsProps {
  /** The packs the user may choose (ids of the server catalog, with a label). */
  packs: ReadonlyArray<{ id: string; name: string }>
  /**
   * The settings route (`GET` reads, `POST { enabled, threshold, packId }` saves).
   * @default '/api/auto-top-up'
   */
  url?: string | undefined
  /** Class of the form element. @default none */
  className?: string | undefined
  /** Called with the saved settings. @default none */
  onSave?: (settings: AutoTopUpSettingsResponse) => void
}

const PAUSED: Record<NonNullable<AutoTopUpSettingsResponse['paused']>, string> = {
  card_declined: 'Paused: your card was declined. Update your card, then save to resume.',
  authentication_required: 'Paused: your bank asked for authentication. Buy a pack once, then save to resume.',
  no_payment_method: 'Paused: no saved card. Buy a pack once to save one, then save to resume.',
  unknown_pack: 'Paused: that pack is no longer sold. Choose another and save.',
}

/**
 * Settings for automatic top-up: on/off, the threshold in credits and the pack bought. Reads and
 * saves the signed-in account's own settings through the settings route; a refusal (a 400 problem)
 * is shown under the form with the fields it names.
 * @example
 * <AutoTopUpSettings packs={[{ id: 'pack-5', name: '5,050 credits for $5' }]} />
 */
export function AutoTopUpSettings({ packs, url = '/api/auto-top-up', className, onSave }: AutoTopUpSettingsProps) {
  const fetchImpl = useContext(MeteredContext)?.rawFetch ?? ((i, init) => globalThis.fetch(i, init))
  const current = useJson<AutoTopUpSettingsResponse>(fetchImpl, url)
  const [enabled, setEnabled] = useState(false)
  const [threshold, setThreshold] = useState('')
  const [packId, setPackId] = useState(packs[0]?.id ?? '')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // The fields the user has edited: saved settings that arrive later fill the others and leave
  // these as typed. A ref, set in the event handler itself: an effect that applies settings
  // committed just before the edit still runs after the handler, and must see the edit.
  const edited = useRef(new Set<'enabled' | 'threshold' | 'packId'>())
  const id = useId()
  useEffect(() => {
    const s = current.data
    if (!s) return
    if (!edited.current.has('enabled')) setEnabled(s.enabled)
    if (!edited.current.has('threshold')) setThreshold(String(s.threshold))
    if (s.packId && !edited.current.has('packId')) setPackId(s.packId)
  }, [current.data])

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const saved = await requestJson<AutoTopUpSettingsResponse>(fetchImpl, url, {
        enabled,
        threshold: Number(threshold),
        packId,
      })
      edited.current.clear()
      current.setData(saved)
      onSave?.(saved)
    } catch (err) {
      setError(describe(err))
    } finally {
      setSaving(false)
    }
  }

  const paused = current.data?.paused ?? null
  return (
    <form className={className} aria-label="Automatic top-up" onSubmit={(e) => void save(e)}>
      <label>
        <input
          type="checkbox"
          checked={enabled}
          onChange={(e) => {
            edited.current.add('enabled')
            setEnabled(e.target.checked)
          }}
        />{' '}
        Top up automatically
      </label>
      <label htmlFor={`${id}-threshold`}>When credits fall below</label>
      <input
        id={`${id}-threshold`}
        type="number"
        min={0}
        step="any"
        required
        value={threshold}
        onChange={(e) => {
          edited.current.add('threshold')
          setThreshold(e.target.value)
        }}
      />
      <label htmlFor={`${id}-pack`}>Buy</label>
      <select
        id={`${id}-pack`}
        value={packId}
        onChange={(e) => {
          edited.current.add('packId')
          setPackId(e.target.value)
        }}
      >
        {packs.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={saving || current.loading} aria-busy={saving || undefined}>
        Save
      </button>
      {paused && <p role="status">{PAUSED[paused]}</p>}
      {(error ?? (current.error && describe(current.error))) && <p role="alert">{error ?? describe(current.error)}</p>}
    </form>
  )
}

/** A refusal in words: the problem's detail and the fields its issues name. */
function describe(err: unknown): string {
  if (err instanceof MeteredHttpError) {
    const issues = Array.isArray(err.problem?.issues)
      ? (err.problem.issues as { path?: string; message?: string }[]).map((i) => `${i.path}: ${i.message}`)
      : []
    return [err.message, ...issues].join(' ')
  }
  return toError(err).message
}
