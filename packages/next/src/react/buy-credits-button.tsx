import { type ButtonHTMLAttributes, type ReactNode, useContext, useState } from 'react'
import { MeteredContext } from './context.js'
import { assignWebUrl, useBackFromRedirect } from './redirect.js'
import { requestJson, toError } from './request.js'

/** What a `BuyCreditsButton` render function sees: a checkout being opened, or why it failed. */
export interface BuyCreditsButtonState {
  loading: boolean
  error: Error | null
}

/** Props of `BuyCreditsButton`: the pack, where to post it, and the button's own attributes. */
export interface BuyCreditsButtonProps
  extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children' | 'onClick' | 'onError' | 'type'> {
  /** The pack to buy; only this is sent, prices live on the server. */
  packId: string
  /**
   * Route answering `POST { packId }` with `{ url }` (docs/http-api.md).
   * @default '/api/checkout'
   */
  checkoutUrl?: string | undefined
  /** Label, or a function of the loading and error state. @default 'Buy credits' */
  children?: ReactNode | ((state: BuyCreditsButtonState) => ReactNode)
  /** Class of the error message shown after the button. Default: none. */
  errorClassName?: string | undefined
  /** Called when the checkout request fails (the message is shown either way). Default: none. */
  onError?: (error: Error) => void
}

/**
 * Starts a checkout for one credit pack and redirects to it. Disabled while the session is
 * created, and stays so while the browser leaves; a refusal is shown next to the button.
 * @example
 * <BuyCreditsButton packId="pack_5">Buy 5,050 credits for $5</BuyCreditsButton>
 */
export function BuyCreditsButton({
  packId,
  checkoutUrl = '/api/checkout',
  children = 'Buy credits',
  errorClassName,
  onError,
  disabled,
  ...button
}: BuyCreditsButtonProps) {
  const fetchImpl = useContext(MeteredContext)?.rawFetch ?? ((i, init) => globalThis.fetch(i, init))
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<Error | null>(null)
  useBackFromRedirect(() => setLoading(false))
  const buy = async () => {
    setLoading(true)
    setError(null)
    try {
      const { url } = await requestJson<{ url: string }>(fetchImpl, checkoutUrl, { packId })
      // Still loading: the page is about to be replaced, a second click would open a second session.
      assignWebUrl(url, 'checkout')
    } catch (e) {
      const err = toError(e)
      setError(err)
      setLoading(false)
      onError?.(err)
    }
  }
  return (
    <>
      <button
        {...button}
        type="button"
        disabled={disabled || loading}
        aria-busy={loading || undefined}
        onClick={() => void buy()}
      >
        {typeof children === 'function' ? children({ loading, error }) : children}
      </button>
      {error && (
        <span role="alert" className={errorClassName}>
          {error.message}
        </span>
      )}
    </>
  )
}
