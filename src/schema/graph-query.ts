/**
 * The vocabulary of the Microsoft-Graph-compatible read API shared by the API
 * (which parses OData into it) and the store (which compiles it to SQL): the
 * four resources, the typed $filter AST, and which Graph properties each
 * resource lets a client filter on. Imports nothing of ours.
 */

export const GRAPH_RESOURCES = ['signIns', 'directoryAudits', 'riskDetections', 'riskyUsers'] as const;
export type GraphResource = (typeof GRAPH_RESOURCES)[number];

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** A literal as written in the filter; dateTime keeps the normalised ISO UTC form. */
export type ODataLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'dateTime'; readonly value: string }
  /** `microsoft.graph.riskLevel'high'`: the type name is kept for printing only. */
  | { readonly kind: 'enum'; readonly type: string; readonly value: string };

/** A property path; inside an any() lambda it is relative to the lambda variable (lambda: true). */
export interface PropertyRef {
  readonly path: readonly string[];
  readonly lambda: boolean;
}

export type FilterExpr =
  | { readonly type: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly type: 'not'; readonly operand: FilterExpr }
  | { readonly type: 'compare'; readonly op: CompareOp; readonly property: PropertyRef; readonly value: ODataLiteral }
  | { readonly type: 'startswith'; readonly property: PropertyRef; readonly value: string }
  | {
      readonly type: 'any';
      readonly collection: readonly string[];
      readonly variable: string;
      readonly predicate: FilterExpr;
    };

export type PropertyType = 'string' | 'number' | 'boolean' | 'dateTime';

/** Filterable properties of one resource: Graph path (segments joined by '/') -> type. */
export interface ResourceProperties {
  readonly scalars: Readonly<Record<string, PropertyType>>;
  /** Collections usable with any(): collection path -> the element's properties. */
  readonly collections: Readonly<Record<string, Readonly<Record<string, PropertyType>>>>;
  /** The time property ($orderby, keyset paging). */
  readonly timeProperty: string;
  /** Top-level properties of the Graph shape ($select). */
  readonly selectable: readonly string[];
  readonly defaultTop: number;
  readonly maxTop: number;
}

const auditIdentity: Readonly<Record<string, PropertyType>> = {
  'initiatedBy/user/id': 'string',
  'initiatedBy/user/userPrincipalName': 'string',
  'initiatedBy/user/displayName': 'string',
  'initiatedBy/user/ipAddress': 'string',
  'initiatedBy/app/appId': 'string',
  'initiatedBy/app/displayName': 'string',
  'initiatedBy/app/servicePrincipalId': 'string',
};

export const GRAPH_PROPERTIES: Readonly<Record<GraphResource, ResourceProperties>> = {
  signIns: {
    scalars: {
      id: 'string',
      createdDateTime: 'dateTime',
      userId: 'string',
      userPrincipalName: 'string',
      userDisplayName: 'string',
      userType: 'string',
      appId: 'string',
      appDisplayName: 'string',
      resourceId: 'string',
      resourceDisplayName: 'string',
      ipAddress: 'string',
      clientAppUsed: 'string',
      correlationId: 'string',
      isInteractive: 'boolean',
      conditionalAccessStatus: 'string',
      authenticationRequirement: 'string',
      userAgent: 'string',
      'status/errorCode': 'number',
      'status/failureReason': 'string',
      'status/additionalDetails': 'string',
      'location/city': 'string',
      'location/state': 'string',
      'location/countryOrRegion': 'string',
      'deviceDetail/deviceId': 'string',
      'deviceDetail/displayName': 'string',
      'deviceDetail/operatingSystem': 'string',
      'deviceDetail/browser': 'string',
      'deviceDetail/isManaged': 'boolean',
      'deviceDetail/isCompliant': 'boolean',
      'deviceDetail/trustType': 'string',
    },
    collections: {},
    timeProperty: 'createdDateTime',
    selectable: [
      'id',
      'createdDateTime',
      'userId',
      'userPrincipalName',
      'userDisplayName',
      'userType',
      'appId',
      'appDisplayName',
      'resourceId',
      'resourceDisplayName',
      'ipAddress',
      'clientAppUsed',
      'correlationId',
      'isInteractive',
      'conditionalAccessStatus',
      'authenticationRequirement',
      'userAgent',
      'status',
      'location',
      'deviceDetail',
      'mfaDetail',
    ],
    defaultTop: 1000,
    maxTop: 1000,
  },
  directoryAudits: {
    scalars: {
      id: 'string',
      activityDateTime: 'dateTime',
      category: 'string',
      activityDisplayName: 'string',
      operationType: 'string',
      result: 'string',
      resultReason: 'string',
      loggedByService: 'string',
      correlationId: 'string',
      ...auditIdentity,
    },
    collections: {
      targetResources: { id: 'string', displayName: 'string', type: 'string', userPrincipalName: 'string', groupType: 'string' },
      additionalDetails: { key: 'string', value: 'string' },
    },
    timeProperty: 'activityDateTime',
    selectable: [
      'id',
      'activityDateTime',
      'category',
      'activityDisplayName',
      'operationType',
      'result',
      'resultReason',
      'loggedByService',
      'correlationId',
      'initiatedBy',
      'targetResources',
      'additionalDetails',
    ],
    defaultTop: 1000,
    maxTop: 1000,
  },
  riskDetections: {
    scalars: {
      id: 'string',
      detectedDateTime: 'dateTime',
      riskEventType: 'string',
      riskLevel: 'string',
      riskState: 'string',
      riskDetail: 'string',
      detectionTimingType: 'string',
      activity: 'string',
      source: 'string',
      requestId: 'string',
      userId: 'string',
      userPrincipalName: 'string',
      userDisplayName: 'string',
      ipAddress: 'string',
      'location/city': 'string',
      'location/state': 'string',
      'location/countryOrRegion': 'string',
    },
    collections: {},
    timeProperty: 'detectedDateTime',
    selectable: [
      'id',
      'detectedDateTime',
      'activityDateTime',
      'riskEventType',
      'riskLevel',
      'riskState',
      'riskDetail',
      'detectionTimingType',
      'activity',
      'source',
      'requestId',
      'userId',
      'userPrincipalName',
      'userDisplayName',
      'ipAddress',
      'location',
      'additionalInfo',
    ],
    defaultTop: 20,
    maxTop: 500,
  },
  riskyUsers: {
    scalars: {
      id: 'string',
      riskLastUpdatedDateTime: 'dateTime',
      userPrincipalName: 'string',
      userDisplayName: 'string',
      riskLevel: 'string',
      riskState: 'string',
      riskDetail: 'string',
      isDeleted: 'boolean',
    },
    collections: {},
    timeProperty: 'riskLastUpdatedDateTime',
    selectable: [
      'id',
      'riskLastUpdatedDateTime',
      'userPrincipalName',
      'userDisplayName',
      'riskLevel',
      'riskState',
      'riskDetail',
      'isDeleted',
      'isProcessing',
    ],
    defaultTop: 20,
    maxTop: 500,
  },
};

/** Keyset position of a page boundary: the last row's time and id. */
export interface GraphPosition {
  readonly time: string;
  readonly id: string;
}

export interface GraphListQuery {
  readonly filter?: FilterExpr;
  readonly order: 'asc' | 'desc';
  readonly top: number;
  /** Rows strictly after this position in the requested order. */
  readonly after?: GraphPosition;
  readonly count: boolean;
}

/** A record in Graph's JSON shape. */
export type GraphRecord = { readonly id: string } & Readonly<Record<string, unknown>>;

export interface GraphListResult {
  readonly value: readonly GraphRecord[];
  /** Set when more rows follow: the position of the last row returned. */
  readonly next?: GraphPosition;
  /** Rows matching the filter (all pages), when count was asked. */
  readonly count?: number;
}
