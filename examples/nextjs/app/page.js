export default function Home() {
  return (
    <main>
      <p>POST /api/node/refund (Node.js runtime) or /api/edge/refund (edge runtime) with {'{ tno, amount, remaining }'}.</p>
    </main>
  );
}
