import { MeteredProvider } from '@metered/next/react'
import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { SiteHeader } from '@/components/site-header'
import { currentUser, metered } from '@/lib/metered'
import './globals.css'

export const metadata: Metadata = {
  title: 'Responses starter, metered',
  description: 'The OpenAI Responses starter with credits, rate limits and credit packs (metered).',
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser()
  // The first paint shows the balance read here: no loading flash, no extra request.
  const balance = user ? await metered.balance(user.id) : null
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <MeteredProvider initialBalance={balance}>
          <SiteHeader user={user} />
          <main id="main">{children}</main>
        </MeteredProvider>
      </body>
    </html>
  )
}
