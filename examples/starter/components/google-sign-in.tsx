'use client'
import { signIn } from 'next-auth/react'

export function GoogleSignIn({ callbackUrl }: { callbackUrl: string }) {
  return (
    <div className="card">
      <button type="button" onClick={() => void signIn('google', { callbackUrl })}>
        Sign in with Google
      </button>
    </div>
  )
}
