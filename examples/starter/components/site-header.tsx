import Link from 'next/link'
import { openaiConfigured } from '@/lib/env'
import type { SessionUser } from '@/lib/metered'
import { HeaderCredits } from './header-credits'
import { SignOutButton } from './sign-out-button'

export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="site">
      <Link href="/" className="brand">
        Responses starter
      </Link>
      {!openaiConfigured && (
        <span className="demo-tag" title="OPENAI_API_KEY is not set: chat and images use a local demo model">
          DEMO MODEL
        </span>
      )}
      <nav aria-label="Main">
        <ul>
          <li>
            <Link href="/">Chat</Link>
          </li>
          <li>
            <Link href="/images">Images</Link>
          </li>
          <li>
            <Link href="/buy-credits">Buy credits</Link>
          </li>
          {user && (
            <li>
              <Link href="/billing">Billing</Link>
            </li>
          )}
          {user && (
            <li>
              <Link href="/profile">Profile</Link>
            </li>
          )}
          {user?.role === 'admin' && (
            <li>
              <Link href="/admin">Admin</Link>
            </li>
          )}
        </ul>
      </nav>
      <div className="right">
        {user ? (
          <>
            <HeaderCredits />
            <span className="muted">{user.email ?? user.name ?? user.id}</span>
            <SignOutButton />
          </>
        ) : (
          <Link href="/signin" className="button">
            Sign in
          </Link>
        )}
      </div>
    </header>
  )
}
