import type { ReactNode } from 'react'
import { creditsLabel, type FormatCreditsOptions } from './format.js'
import { type UseCreditsResult, useCredits } from './use-credits.js'

/** What `<CreditDisplay>`'s render function receives: the balance and the text shown by default. */
export interface CreditDisplayState extends UseCreditsResult {
  /** What the component shows by default, e.g. `'1,234.56 credits'`. */
  text: string
}

/** Props of `<CreditDisplay>`. */
export interface CreditDisplayProps extends FormatCreditsOptions {
  /** Class of the live region. Default: none. */
  className?: string | undefined
  /** Render your own markup inside the live region. Default: the `text` of the state. */
  children?: (state: CreditDisplayState) => ReactNode
}

/**
 * The account's credits, e.g. "1,234.56 credits", announced politely when they change.
 * @example
 * <CreditDisplay className="badge" />
 * <CreditDisplay>{({ text }) => <>Balance: {text}</>}</CreditDisplay>
 */
export function CreditDisplay({ className, children, ...format }: CreditDisplayProps) {
  const credits = useCredits()
  const text =
    credits.available !== null
      ? creditsLabel(credits.available, format)
      : credits.error
        ? 'Credits unavailable'
        : 'Loading credits…'
  return (
    <span className={className} aria-live="polite" aria-atomic="true" aria-busy={credits.loading || undefined}>
      {children ? children({ ...credits, text }) : text}
    </span>
  )
}
