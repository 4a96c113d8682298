/** How events are keyed: one user across IPs, one IP across users, or both. */
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import type { KeyBy } from './types.ts';

/** A user's key: the directory object id when given (UPNs get renamed), else the UPN; lower case. */
export function userKey(e: EnrichedSignIn): string {
  return (e.userId ?? e.userPrincipalName).toLowerCase();
}

/** undefined when the event cannot be keyed (e.g. an IP-keyed detector and no IP). */
export function keyOf(keyBy: KeyBy, e: EnrichedSignIn): string | undefined {
  switch (keyBy) {
    case 'none':
      return '';
    case 'user':
      return userKey(e);
    case 'ip':
      return e.ipAddress;
    case 'userIp':
      return e.ipAddress === undefined ? undefined : `${userKey(e)}|${e.ipAddress}`;
  }
}
