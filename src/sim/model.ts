/** The simulator's internal picture of the organisation (richer than the directory snapshot it writes). */
import type { DirectorySnapshot } from '../schema/directory.ts';
import type { AppDef, Department, DeviceProfile } from './catalog.ts';
import type { City } from './cities.ts';
import type { GeoIp } from './geo-pool.ts';
import type { LabelRecord } from './labels.ts';

export interface SimApp extends AppDef {
  readonly appId: string;
  readonly id: string;
}

export interface Device {
  readonly deviceId: string;
  readonly displayName: string;
  readonly profile: DeviceProfile;
  readonly isManaged: boolean;
  readonly isCompliant: boolean;
  readonly trustType?: string;
}

export interface Person {
  readonly index: number;
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
  readonly userType: 'member' | 'guest';
  readonly enabled: boolean;
  readonly department: Department;
  readonly city: City;
  readonly cityKey: string;
  /** Laptop or desktop first, then phones. */
  readonly devices: readonly Device[];
  readonly homeIp: GeoIp;
  /** Some households have IPv6: their desktop sign-ins then use it. */
  readonly homeIpV6?: GeoIp;
  /** The phone's carrier IP: a city-level home IP, or a country-only one (see mobileCountryOnly). */
  readonly mobileIp: GeoIp;
  readonly mobileCountryOnly: boolean;
  /** Works from the office (NAT egress) on most weekdays. */
  readonly officeWorker: boolean;
  /** Works from home through the corporate VPN, egressing far away (trusted). */
  readonly vpnIp?: GeoIp;
  readonly apps: readonly SimApp[];
  /** A legacy mail client using IMAP. */
  readonly legacyImap: boolean;
  /** Runs the Sign-In Assistant, whose background sign-ins are noise. */
  readonly signInAssistant: boolean;
  readonly mfaMethod: string;
  /** Scales the user's daily volume. */
  readonly activity: number;
  readonly isAdmin: boolean;
}

export interface ConsumerAccount {
  readonly upn: string;
  readonly displayName: string;
  readonly id: string;
  readonly ip: GeoIp;
}

/** One labelled attack or confounder (labels.ndjson / confounders.ndjson); schema in labels.ts. */
export type Label = Readonly<LabelRecord>;

export interface LeakRecord {
  readonly email: string;
  readonly sha1: string;
  readonly source: string;
  readonly date: string;
}

export interface IpLists {
  readonly torExits: readonly string[];
  readonly botnet: readonly string[];
  readonly corporateEgress: readonly string[];
}

export interface Organisation {
  readonly directory: DirectorySnapshot;
  readonly people: readonly Person[];
  readonly consumers: readonly ConsumerAccount[];
  readonly apps: readonly SimApp[];
  readonly offices: ReadonlyMap<string, GeoIp>;
  readonly vpnIps: readonly GeoIp[];
  readonly domain: string;
}
