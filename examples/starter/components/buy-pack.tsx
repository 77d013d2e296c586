'use client'
import { BuyCreditsButton } from '@metered/next/react'

export function BuyPack({ packId, label }: { packId: string; label: string }) {
  return (
    <BuyCreditsButton packId={packId} aria-label={label} errorClassName="error">
      {({ loading }) => (loading ? 'Opening checkout…' : 'Buy')}
    </BuyCreditsButton>
  )
}
