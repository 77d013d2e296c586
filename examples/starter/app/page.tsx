import Link from 'next/link'
import { Chat } from '@/components/chat'
import { CHAT_MODEL, openaiConfigured } from '@/lib/env'
import { currentUser } from '@/lib/metered'

export default async function ChatPage() {
  const user = await currentUser()
  return (
    <>
      <h1>Chat</h1>
      <p className="muted">
        {openaiConfigured ? (
          <>Model: {CHAT_MODEL}.</>
        ) : (
          <>
            <strong>Demo model:</strong> OPENAI_API_KEY is not set, so replies come from a local stand-in. They are
            still metered as {CHAT_MODEL} would be.
          </>
        )}{' '}
        Each turn holds its worst case (prompt + 1,024 output tokens) and is charged its real usage at cost x 1.3 when
        the stream ends.
      </p>
      {!user && (
        <p className="notice">
          <Link href="/signin">Sign in</Link> to chat.
        </p>
      )}
      <Chat signedIn={user !== null} />
    </>
  )
}
