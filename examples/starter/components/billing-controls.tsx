'use client'
import { AutoTopUpSettings, PlanPicker } from '@metered/next/react'
import type { ComponentProps } from 'react'

/** The plan picker: Checkout for a plan without a subscription, the customer portal with one. */
export function Plans(props: ComponentProps<typeof PlanPicker>) {
  return <PlanPicker className="plans" {...props} />
}

/** Automatic top-up: on/off, the threshold in credits and the pack charged to the saved card. */
export function TopUpSettings(props: ComponentProps<typeof AutoTopUpSettings>) {
  return <AutoTopUpSettings className="card stack" {...props} />
}
