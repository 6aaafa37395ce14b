export const metadata = { title: 'kcp-wasm with Next.js' };

export default function RootLayout({ children }) {
  return (
    <html lang="ko">
      <body>{children}</body>
    </html>
  );
}
