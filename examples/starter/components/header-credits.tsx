'use client'
import { CreditDisplay } from '@metered/next/react'
import Link from 'next/link'

/** The header's balance; every metered response updates it at once (Credits-Remaining). */
export function HeaderCredits() {
  return (
    <Link href="/profile" aria-label="Your credits" data-testid="header-credits" className="badge">
      <CreditDisplay />
    </Link>
  )
}
