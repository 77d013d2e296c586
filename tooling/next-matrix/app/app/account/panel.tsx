'use client'
// The React entry under the app's React version: provider, balance and history components.
import { CreditDisplay, CreditHistory, LowCreditsNotice, MeteredProvider } from '@metered/next/react'

export function AccountPanel({ available }: { available: number }) {
  return (
    <MeteredProvider initialBalance={available}>
      <CreditDisplay />
      <LowCreditsNotice threshold={5} />
      <CreditHistory limit={10} />
    </MeteredProvider>
  )
}
