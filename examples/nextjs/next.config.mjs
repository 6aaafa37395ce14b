/** @type {import('next').NextConfig} */
const nextConfig = {
  // Nothing needed for kcp-wasm with Turbopack, Next.js 16's default bundler. With webpack
  // (`next build --webpack`), let the Node.js runtime load kcp-wasm from node_modules:
  // serverExternalPackages: ['kcp-wasm'],
};

export default nextConfig;
