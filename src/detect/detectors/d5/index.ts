/** D5 Sign ins from possibly infected devices: an IP on a `botnet` list. */
import { listMatchDetector } from '../list-match.ts';

export const d5 = listMatchDetector('D5', 'botnet');
