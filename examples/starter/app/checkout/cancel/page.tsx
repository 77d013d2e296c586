import Link from 'next/link'

export default function CheckoutCancelPage() {
  return (
    <>
      <h1>Checkout cancelled</h1>
      <p>Nothing was charged and your credits are unchanged.</p>
      <p>
        <Link href="/buy-credits">Back to the credit packs</Link>
      </p>
    </>
  )
}
