// POST /api/edge/refund on the edge runtime (Vercel Edge Functions; `next start` runs it in its
// edge sandbox).
import { refund } from '../../../../lib/kcp.js';

export const runtime = 'edge';

export function POST(request) {
  return refund(request, 'edge');
}
