/**
 * Organisation-level records of one UTC day: directory audit (user, group, app
 * and role management, self-service password reset and registration,
 * self-service groups), account provisioning with failures and retries, and
 * password rollover status of password-SSO app accounts.
 */
import type { AuthEvent, DirectoryAudit } from '../schema/events.ts';
import { SELF_SERVICE_GROUPS } from './catalog.ts';
import type { Organisation, Person, SimApp } from './model.ts';
import type { IdFactory, Rng } from './rng.ts';
import { DAY, HOUR, MINUTE, isWeekend, iso } from './time.ts';

export interface OrgDayContext {
  readonly org: Organisation;
  readonly rng: Rng;
  readonly ids: IdFactory;
  readonly emit: (e: AuthEvent) => void;
}

const RESET_METHODS = ['Mobile phone', 'Email', 'Mobile app notification', 'Office phone', 'Security questions'];
const RESET_FAILURES = [
  'User did not pass the verification challenge.',
  "User's password does not meet the password policy requirements.",
  'User abandoned the password reset flow before completion.',
  'User is not registered for self-service password reset.',
];
const REGISTRATION_FAILURES = ['Verification code was incorrect.', 'User cancelled the registration.'];
const PROVISIONING_ERRORS: ReadonlyArray<{ code: string; message: string }> = [
  { code: 'SalesforceDuplicateUsername', message: 'Failed to create user: the username already exists in another Salesforce organisation.' },
  { code: 'HttpRequestTimeout', message: 'The request to the target application timed out after 100 seconds.' },
  { code: 'LicenseLimitExceeded', message: 'The target application reports that no licences are available for the new account.' },
  { code: 'InvalidCredentials', message: 'The provisioning credentials for the target application are invalid or expired.' },
  { code: 'AttributeMappingRequiredMissing', message: 'A required attribute (employeeId) has no value for this user.' },
  { code: 'ServiceUnavailable', message: 'The target application returned HTTP 503 Service Unavailable.' },
];
const ROLLOVER_ERRORS = [
  'The sign-in page layout changed: the password field could not be found.',
  'The application rejected the new password: it must contain a symbol.',
  'The account is locked at the application.',
];

function audit(
  ctx: OrgDayContext,
  t: number,
  fields: Omit<DirectoryAudit, 'kind' | 'id' | 'activityDateTime' | 'correlationId' | 'source'>,
): void {
  ctx.emit({
    kind: 'directoryAudit',
    id: `Directory_${ctx.ids.next()}`,
    activityDateTime: iso(t),
    correlationId: ctx.ids.next(),
    source: 'simulator',
    ...fields,
  });
}

const userRef = (p: Person) => ({ id: p.id, userPrincipalName: p.upn, displayName: p.displayName, type: 'User' });
const initiator = (p: Person, ip: string) => ({ user: { id: p.id, userPrincipalName: p.upn, displayName: p.displayName, ipAddress: ip } });

function workTime(rng: Rng, day: number): number {
  // Org-level activity peaks in the European/US overlap.
  return day + rng.normal(14, 3.5, 6, 22) * HOUR;
}

export function generateOrgDay(ctx: OrgDayContext, day: number): void {
  const { rng, org } = ctx;
  const weekend = isWeekend(day);
  const members = org.people.filter((p) => p.userType === 'member' && p.enabled && p.index > 0);
  const admins = org.people.filter((p) => p.isAdmin && p.index > 0 && p.index < 8);
  const scale = Math.max(1, Math.round(org.people.length / 500));
  const adminIp = (a: Person) => (org.offices.get(a.cityKey) ?? a.homeIp).ip;

  const mgmt = weekend ? rng.int(0, 2) : rng.int(6, 12) * scale;
  for (let i = 0; i < mgmt; i++) {
    const a = rng.pick(admins);
    const target = rng.pick(org.people);
    const t = workTime(rng, day);
    const kind = rng.next();
    if (kind < 0.4) {
      audit(ctx, t, {
        category: 'UserManagement',
        activityDisplayName: 'Update user',
        operationType: 'Update',
        result: 'success',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [
          { ...userRef(target), modifiedProperties: [{ displayName: rng.pick(['JobTitle', 'Department', 'MobilePhone', 'Manager']), oldValue: '"…"', newValue: '"…"' }] },
        ],
        additionalDetails: [{ key: 'UserType', value: target.userType === 'guest' ? 'Guest' : 'Member' }],
      });
    } else if (kind < 0.7) {
      const add = rng.chance(0.7);
      const group = rng.pick(org.directory.groups);
      audit(ctx, t, {
        category: 'GroupManagement',
        activityDisplayName: add ? 'Add member to group' : 'Remove member from group',
        operationType: add ? 'Assign' : 'Unassign',
        result: 'success',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [userRef(target), { id: group.id, displayName: group.displayName, type: 'Group' }],
        additionalDetails: [],
      });
    } else if (kind < 0.8) {
      const app = rng.pick(org.apps);
      audit(ctx, t, {
        category: 'ApplicationManagement',
        activityDisplayName: rng.pick(['Update application', 'Update service principal', 'Update application – Certificates and secrets management', 'Add app role assignment to user']),
        operationType: 'Update',
        result: 'success',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [{ id: app.id, displayName: app.displayName, type: 'Application' }],
        additionalDetails: [{ key: 'AppId', value: app.appId }],
      });
    } else if (kind < 0.9) {
      audit(ctx, t, {
        category: 'UserManagement',
        activityDisplayName: rng.chance(0.5) ? 'Add user' : 'Reset user password',
        operationType: 'Add',
        result: rng.chance(0.97) ? 'success' : 'failure',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [userRef(target)],
        additionalDetails: [],
      });
    } else if (kind < 0.95) {
      const add = rng.chance(0.6);
      const role = rng.pick(org.directory.roles);
      audit(ctx, t, {
        category: 'RoleManagement',
        activityDisplayName: add ? 'Add member to role' : 'Remove member from role',
        operationType: add ? 'Assign' : 'Unassign',
        result: 'success',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [
          userRef(target),
          { id: role.id, displayName: role.displayName, type: 'Role', modifiedProperties: [{ displayName: 'Role.DisplayName', newValue: `"${role.displayName}"` }] },
        ],
        additionalDetails: [],
      });
    } else {
      audit(ctx, t, {
        category: 'UserManagement',
        activityDisplayName: rng.chance(0.5) ? 'Disable account' : 'Delete user',
        operationType: 'Update',
        result: 'success',
        loggedByService: 'Core Directory',
        initiatedBy: initiator(a, adminIp(a)),
        targetResources: [userRef(target)],
        additionalDetails: [],
      });
    }
  }

  // Self-service password reset and registration, initiated by the users themselves.
  const resets = rng.int(0, 1) + Math.round(members.length * (weekend ? 0.001 : 0.004) * (0.5 + rng.next()));
  for (let i = 0; i < resets; i++) {
    const u = rng.pick(members);
    const ok = rng.chance(0.8);
    const methods = rng.sample(RESET_METHODS, rng.int(1, 2));
    audit(ctx, workTime(rng, day), {
      category: 'PasswordReset',
      activityDisplayName: rng.chance(0.85) ? 'Reset password (self-service)' : 'Unlock user account (self-service)',
      operationType: 'Update',
      result: ok ? 'success' : 'failure',
      ...(ok ? {} : { resultReason: rng.pick(RESET_FAILURES) }),
      loggedByService: 'Self-service Password Management',
      initiatedBy: initiator(u, u.homeIp.ip),
      targetResources: [userRef(u)],
      additionalDetails: [{ key: 'MethodsUsedForValidation', value: methods.join(', ') }],
    });
  }
  const registrations = rng.int(0, 1) + Math.round(members.length * (weekend ? 0.0005 : 0.003) * (0.5 + rng.next()));
  for (let i = 0; i < registrations; i++) {
    const u = rng.pick(members);
    const ok = rng.chance(0.9);
    audit(ctx, workTime(rng, day), {
      category: 'PasswordResetRegistration',
      activityDisplayName: ok ? 'User registered security info' : 'User started security info registration',
      operationType: 'Add',
      result: ok ? 'success' : 'failure',
      ...(ok ? {} : { resultReason: rng.pick(REGISTRATION_FAILURES) }),
      loggedByService: 'Authentication Methods',
      initiatedBy: initiator(u, u.homeIp.ip),
      targetResources: [userRef(u)],
      additionalDetails: [{ key: 'MethodsRegistered', value: rng.sample(RESET_METHODS.slice(0, 4), rng.int(1, 3)).join(', ') }],
    });
  }

  // Self-service groups: the action is in additionalDetails (key "Action") as well as the activity name.
  const ssg = org.directory.groups.filter((g) => g.selfService);
  const ssgEvents = weekend ? rng.int(0, 1) : rng.int(2, 6) * scale;
  for (let i = 0; i < ssgEvents; i++) {
    const u = rng.pick(members);
    const g = rng.pick(ssg);
    const action = rng.weighted([
      { item: ['create', 'Create group'] as const, weight: 1 },
      { item: ['join request', 'Request to join a group'] as const, weight: 5 },
      { item: ['approve', 'Approve a pending request to join a group'] as const, weight: 3 },
      { item: ['deny', 'Reject a pending request to join a group'] as const, weight: 1 },
      { item: ['leave', 'Leave group'] as const, weight: 2 },
    ]);
    audit(ctx, workTime(rng, day), {
      category: 'SelfServiceGroupManagement',
      activityDisplayName: action[1],
      operationType: action[0] === 'create' ? 'Add' : 'Update',
      result: 'success',
      loggedByService: 'Self-service Group Management',
      initiatedBy: initiator(u, u.homeIp.ip),
      targetResources: [{ id: g.id, displayName: action[0] === 'create' ? `${rng.pick(SELF_SERVICE_GROUPS)} ${rng.int(2, 9)}` : g.displayName, type: 'Group', groupType: 'Self-service' }],
      additionalDetails: [{ key: 'Action', value: action[0] }],
    });
  }

  generateProvisioningDay(ctx, day, weekend, scale);
  generateRolloverDay(ctx, day);
}

function generateProvisioningDay(ctx: OrgDayContext, day: number, weekend: boolean, scale: number): void {
  const { rng, org } = ctx;
  const targets = org.apps.filter((a) => a.provisioned === true);
  // Sync cycles run around the clock, every 40 minutes as Entra's do.
  const cycles = weekend ? rng.int(2, 6) : rng.int(8, 16) * scale;
  for (let i = 0; i < cycles; i++) {
    const app: SimApp = rng.pick(targets);
    const u = rng.pick(org.people);
    const action = !u.enabled
      ? rng.chance(0.5) ? ('disable' as const) : ('delete' as const)
      : rng.weighted([
          { item: 'create' as const, weight: 2 },
          { item: 'update' as const, weight: 7 },
          { item: 'other' as const, weight: 0.3 },
        ]);
    let t = day + rng.int(0, 35) * 40 * MINUTE + rng.int(0, 600) * 1000;
    const target = `${u.upn.split('@')[0]}@${app.displayName.toLowerCase().replace(/[^a-z]/g, '')}.example`;
    const fails = rng.chance(0.08);
    const error = rng.pick(PROVISIONING_ERRORS);
    const attempts = fails ? rng.int(1, 3) : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const failed = fails && (attempt < attempts || rng.chance(0.4));
      ctx.emit({
        kind: 'provisioning',
        id: ctx.ids.next(),
        activityDateTime: iso(t),
        appId: app.appId,
        appDisplayName: app.displayName,
        action,
        targetAccount: target,
        sourceUserPrincipalName: u.upn,
        result: failed ? 'failure' : rng.chance(0.03) ? 'skipped' : 'success',
        ...(failed ? { errorCode: error.code, errorMessage: error.message } : {}),
        attempt,
        source: 'simulator',
      });
      t += 40 * MINUTE;
    }
  }
}

/** Password-SSO app accounts report their rollover status once a day. */
function generateRolloverDay(ctx: OrgDayContext, day: number): void {
  const { rng, org } = ctx;
  for (const app of org.apps.filter((a) => a.passwordSso === true)) {
    for (const acct of ['shared', 'team']) {
      const status = rng.weighted([
        { item: 'success' as const, weight: 88 },
        { item: 'failure' as const, weight: 9 },
        { item: 'pending' as const, weight: 3 },
      ]);
      const t = day + 2 * HOUR + rng.int(0, 1800) * 1000;
      ctx.emit({
        kind: 'passwordRollover',
        id: ctx.ids.next(),
        activityDateTime: iso(t),
        appId: app.appId,
        appDisplayName: app.displayName,
        account: `${acct}-${app.displayName.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}@${org.domain}`,
        scheduledDateTime: iso(day + 30 * DAY),
        lastRolloverDateTime: iso(day - rng.int(1, 29) * DAY),
        status,
        ...(status === 'failure' ? { error: rng.pick(ROLLOVER_ERRORS) } : {}),
        source: 'simulator',
      });
    }
  }
}
