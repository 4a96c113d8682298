/** D1 Sign ins from unknown sources: an IP on an `anonymizer` list (Tor exit, anonymous proxy/VPN). */
import { listMatchDetector } from '../list-match.ts';

export const d1 = listMatchDetector('D1', 'anonymizer');
