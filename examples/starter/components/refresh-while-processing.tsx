'use client'
import { useRouter } from 'next/navigation'
import { useEffect } from 'react'

/** Re-renders the server page every 1.5 s (up to a minute) until the webhook has granted. */
export function RefreshWhileProcessing() {
  const router = useRouter()
  useEffect(() => {
    let tries = 0
    const id = setInterval(() => {
      if (++tries > 40) clearInterval(id)
      else router.refresh()
    }, 1500)
    return () => clearInterval(id)
  }, [router])
  return null
}
