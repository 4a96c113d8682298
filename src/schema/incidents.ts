/**
 * Incidents (SPEC 4): detections that belong together, with the directory
 * changes their users made after a suspicious sign-in, as one timeline.
 * Computed from stored detections and audits (src/detect/incidents); only the
 * admins' status changes are stored.
 */
import { Type, type Static } from 'typebox';
import { DetectorId, Severity } from './detections.ts';
import { IsoTime } from './events.ts';

export const INCIDENT_STATUSES = ['new', 'active', 'resolved'] as const;
/** new: nobody has looked; active: someone is on it; resolved: closed (reopens as new when activity follows). */
export const IncidentStatus = Type.Enum(INCIDENT_STATUSES);
export type IncidentStatus = Static<typeof IncidentStatus>;

export const FOLLOW_UP_KINDS = ['mfaMethodChange', 'groupOrRoleChange', 'appConsent', 'credentialAdded', 'passwordChange'] as const;
/** What a directory change after a suspicious sign-in may mean for an attacker: persistence or more reach. */
export const FollowUpKind = Type.Enum(FOLLOW_UP_KINDS);
export type FollowUpKind = Static<typeof FollowUpKind>;

/**
 * One line of an incident's timeline: one detection, a run of detections of
 * the same detector from the same IP that did not get in (a spray's hundred
 * failures are one line), or a directory change by a user who had just
 * signed in suspiciously.
 */
export const IncidentEntry = Type.Object({
  kind: Type.Enum(['detection', 'detections', 'directoryChange']),
  dateTime: IsoTime,
  /** Last time of a run of detections. */
  endDateTime: Type.Optional(IsoTime),
  summary: Type.String(),
  detector: Type.Optional(DetectorId),
  severity: Type.Optional(Severity),
  /** Detections in a run. */
  count: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Distinct users a run was aimed at. */
  users: Type.Optional(Type.Integer({ minimum: 0 })),
  detectionId: Type.Optional(Type.String()),
  signInId: Type.Optional(Type.String()),
  userPrincipalName: Type.Optional(Type.String()),
  ipAddress: Type.Optional(Type.String()),
  /** A directory change: the audit record's id, activity, category, result and what it may mean. */
  auditId: Type.Optional(Type.String()),
  activity: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  result: Type.Optional(Type.String()),
  followUp: Type.Optional(FollowUpKind),
});
export type IncidentEntry = Static<typeof IncidentEntry>;

export const Incident = Type.Object({
  /** Derived from the incident's first detection, so it stays the same as later detections join. */
  id: Type.String(),
  title: Type.String(),
  severity: Severity,
  status: IncidentStatus,
  firstDateTime: IsoTime,
  lastDateTime: IsoTime,
  /** Users who signed in suspiciously (a success the detectors flagged), by UPN. */
  compromisedUsers: Type.Array(Type.String()),
  /** Every user the incident's detections name, at most 100 listed. */
  userPrincipalNames: Type.Array(Type.String()),
  userCount: Type.Integer({ minimum: 0 }),
  /** Every IP the incident's detections name, at most 100 listed. */
  ipAddresses: Type.Array(Type.String()),
  ipCount: Type.Integer({ minimum: 0 }),
  /** Detections per detector. */
  detectors: Type.Record(Type.String(), Type.Integer({ minimum: 1 })),
  detectionCount: Type.Integer({ minimum: 1 }),
  directoryChanges: Type.Integer({ minimum: 0 }),
  timeline: Type.Array(IncidentEntry),
});
export type Incident = Static<typeof Incident>;

/** One change of an incident's status: who, when, from what, to what, why. */
export const IncidentStatusChange = Type.Object({
  incidentId: Type.String(),
  from: Type.Optional(IncidentStatus),
  to: IncidentStatus,
  by: Type.String(),
  at: IsoTime,
  reason: Type.Optional(Type.String({ maxLength: 2048 })),
});
export type IncidentStatusChange = Static<typeof IncidentStatusChange>;
