import type { ReactNode } from 'react'
import { type FormatCreditsOptions, formatCredits } from './format.js'
import type { HistoryEntry } from './types.js'
import { type UseCreditHistoryOptions, type UseCreditHistoryResult, useCreditHistory } from './use-credit-history.js'

/** Props of `<CreditHistory>`. */
export interface CreditHistoryProps extends UseCreditHistoryOptions, FormatCreditsOptions {
  /** Class of the list. Default: none. */
  className?: string | undefined
  /** Accessible name of the list. @default 'Credit history' */
  label?: string | undefined
  /** Markup of one entry (inside its `<li>`). Default: its reason, signed amount and date. */
  renderEntry?: (entry: HistoryEntry) => ReactNode
  /** Replace the whole rendering, keeping the data. Default: the built-in list. */
  children?: (history: UseCreditHistoryResult) => ReactNode
}

type HistoryListProps = Omit<CreditHistoryProps, keyof UseCreditHistoryOptions | 'children'> & {
  history: UseCreditHistoryResult
}

const dateTime = (ms: number, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms)

/**
 * The account's credit entries, newest first, with a "Load more" button while pages remain.
 * @example
 * <CreditHistory limit={10} className="history" />
 */
// Return type spelled out: inferred, the declaration file would inline React 19's ReactNode
// (bigint, promises), which React 18's types refuse as a JSX component (TS2786).
export function CreditHistory({ limit, types, account, children, ...rest }: CreditHistoryProps): ReactNode {
  const history = useCreditHistory({ limit, types, account })
  return children ? children(history) : <HistoryList {...rest} history={history} />
}

/** The markup of `CreditHistory` for a history loaded elsewhere (CreditManagement refreshes its own). */
export function HistoryList(props: HistoryListProps) {
  const { className, label = 'Credit history', renderEntry, history, locale = 'en-US', maximumFractionDigits } = props
  const { entries, hasMore, loading, error, loadMore } = history
  return (
    <section className={className} aria-label={label} aria-busy={loading || undefined}>
      {entries.length > 0 ? (
        <ul>
          {entries.map((e) => (
            <li key={e.id} data-type={e.type}>
              {renderEntry ? (
                renderEntry(e)
              ) : (
                <>
                  <span>{e.reason}</span>{' '}
                  <data value={e.amount}>
                    {e.amount > 0 ? '+' : ''}
                    {formatCredits(e.amount, { locale, maximumFractionDigits })}
                  </data>{' '}
                  <time dateTime={new Date(e.createdAt).toISOString()}>{dateTime(e.createdAt, locale)}</time>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        !loading && !error && <p>No credit history yet.</p>
      )}
      {error && <p role="alert">{error.message}</p>}
      {hasMore && (
        <button type="button" onClick={() => void loadMore()} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
      {loading && entries.length === 0 && <p>Loading…</p>}
    </section>
  )
}
