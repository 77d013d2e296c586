import { redirect } from 'next/navigation'
import { DevSignIn } from '@/components/dev-sign-in'
import { GoogleSignIn } from '@/components/google-sign-in'
import { authConfigured } from '@/lib/auth'
import { devSignInEnabled, googleConfigured } from '@/lib/env'
import { currentUser } from '@/lib/metered'
import { SIGNUP_CREDITS } from '@/lib/pricing'

function safeCallback(value: string | undefined): string {
  return value?.startsWith('/') && !value.startsWith('//') ? value : '/'
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>
}) {
  const { callbackUrl, error } = await searchParams
  const target = safeCallback(callbackUrl)
  if (await currentUser()) redirect(target)
  return (
    <>
      <h1>Sign in</h1>
      <p className="muted">New accounts get {SIGNUP_CREDITS.toLocaleString('en-US')} credits to start with.</p>
      {error && (
        <p role="alert" className="error">
          Sign-in failed ({error}). Try again.
        </p>
      )}
      {!authConfigured && (
        <p role="alert" className="error">
          Sign-in is unavailable: set AUTH_SECRET (or NEXTAUTH_SECRET) to sign session cookies.
        </p>
      )}
      {authConfigured && googleConfigured && <GoogleSignIn callbackUrl={target} />}
      {authConfigured && devSignInEnabled && <DevSignIn callbackUrl={target} />}
      {!googleConfigured && !devSignInEnabled && (
        <p role="alert" className="error">
          Sign-in is unavailable: this production deployment has no Google keys. Set GOOGLE_CLIENT_ID and
          GOOGLE_CLIENT_SECRET (the development sign-in is never enabled in production).
        </p>
      )}
    </>
  )
}
