/**
 * D8 Users with leaked credentials. A feed record matches a directory user
 * when its account equals the user's UPN or mail (case-insensitive).
 *
 * Password hashes: authlens cannot know a user's password, so a record's hash
 * is kept as evidence (its first 5 hex digits only, k-anonymity style) and the
 * match is by account (medium). A tenant MAY supply its users' current NTLM or
 * SHA-1 hashes (`knownHashes`, e.g. from an AD hash export): then a record
 * with hash material of that kind fires only when it equals the user's hash
 * (high: the leaked password is the current one), and never when it differs.
 */
import type { Detection } from '../../schema/detections.ts';
import type { DirectoryUser } from '../../schema/directory.ts';
import type { LeakedCredential } from '../../schema/risk.ts';
import { detectionId } from '../engine/detection-id.ts';

export interface KnownHashes {
  readonly sha1?: string;
  readonly ntlm?: string;
}

export interface MatchLeaksOptions {
  /** Lower-case UPN -> the user's current password hashes, when the tenant supplies them. */
  readonly knownHashes?: ReadonlyMap<string, KnownHashes>;
  readonly logOnly?: boolean;
}

export function matchLeaks(leaks: readonly LeakedCredential[], users: readonly DirectoryUser[], opts: MatchLeaksOptions = {}): Detection[] {
  const byAccount = new Map<string, DirectoryUser>();
  for (const u of users) {
    byAccount.set(u.userPrincipalName.toLowerCase(), u);
    if (u.mail !== undefined) byAccount.set(u.mail.toLowerCase(), u);
  }
  const out: Detection[] = [];
  for (const leak of leaks) {
    const user = byAccount.get(leak.account);
    if (user === undefined) continue;
    const known = opts.knownHashes?.get(user.userPrincipalName.toLowerCase());
    let hashMatch: 'sha1' | 'ntlm' | undefined;
    let comparable = false;
    for (const kind of ['ntlm', 'sha1'] as const) {
      const k = known?.[kind];
      const l = leak[kind];
      if (k === undefined || l === undefined) continue;
      comparable = true;
      if (k.toUpperCase() === l) hashMatch = kind;
    }
    if (comparable && hashMatch === undefined) continue;
    const evidence: Record<string, unknown> = {
      account: leak.account,
      matchedBy: leak.account === user.userPrincipalName.toLowerCase() ? 'userPrincipalName' : 'mail',
      source: leak.source,
      leakDate: leak.date,
      hasPasswordHash: leak.sha1 !== undefined || leak.ntlm !== undefined,
      sha1Prefix: leak.sha1?.slice(0, 5),
      ntlmPrefix: leak.ntlm?.slice(0, 5),
      passwordHashMatches: hashMatch,
    };
    out.push({
      id: detectionId('D8', `${user.id}\u0000${leak.account}\u0000${leak.sha1 ?? ''}\u0000${leak.ntlm ?? ''}\u0000${leak.source ?? ''}`),
      detector: 'D8',
      severity: hashMatch !== undefined ? 'high' : 'medium',
      detectedDateTime: leak.importedAt,
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      evidence,
      logOnly: opts.logOnly ?? false,
    });
  }
  return out;
}
