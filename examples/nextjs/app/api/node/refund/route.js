// POST /api/node/refund on the Node.js runtime (Next.js's default).
import { refund } from '../../../../lib/kcp.js';

export const runtime = 'nodejs';

export function POST(request) {
  return refund(request, 'nodejs');
}
