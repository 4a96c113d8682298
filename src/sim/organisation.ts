/** Builds the simulated organisation: people with homes, devices and habits, and the directory snapshot. */
import {
  GLOBAL_ADMIN_ROLE_TEMPLATE_ID,
  SECURITY_ADMIN_ROLE_TEMPLATE_ID,
  type DirectoryGroup,
  type DirectoryRole,
  type DirectoryUser,
} from '../schema/directory.ts';
import {
  APPS,
  CONSUMER_DOMAINS,
  DEPARTMENT_WEIGHTS,
  DEPARTMENTS,
  DEVICE_PROFILES,
  FIRST_NAMES,
  GUEST_DOMAINS,
  LAST_NAMES,
  MOBILE_PROFILES,
  SELF_SERVICE_GROUPS,
  SIGN_IN_ASSISTANT,
  SKUS,
  type Department,
} from './catalog.ts';
import { CITIES, VPN_CITIES, cityKey, haversineKm, type City } from './cities.ts';
import type { GeoIp, IpAllocator } from './geo-pool.ts';
import type { ConsumerAccount, Device, Organisation, Person, SimApp } from './model.ts';
import { Rng, guidFrom } from './rng.ts';

export const ORG_DOMAIN = 'northwind.example';
const TENANT_DOMAIN = 'northwind.onmicrosoft.com';

const USER_ADMIN_TEMPLATE = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const HELPDESK_ADMIN_TEMPLATE = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const REPORTS_READER_TEMPLATE = '4a5d8f65-41da-4de4-8968-e035b65339cf';
const MFA_METHODS = [
  { item: 'Mobile app notification', weight: 60 },
  { item: 'Mobile app verification code', weight: 15 },
  { item: 'Text message', weight: 15 },
  { item: 'Phone call', weight: 4 },
  { item: 'FIDO2 security key', weight: 6 },
];

function buildApps(seed: number): SimApp[] {
  return APPS.map((a) => ({
    ...a,
    id: guidFrom(seed, 'service-principal', a.displayName),
    appId: a.appId ?? guidFrom(seed, 'app', a.displayName),
  }));
}

function makeDevices(rng: Rng, seed: number, personIndex: number, guest: boolean, first: string): Device[] {
  const devices: Device[] = [];
  const desktop = rng.weighted(DEVICE_PROFILES.map((p) => ({ item: p.profile, weight: p.weight })));
  const corporate = !guest;
  devices.push({
    deviceId: guidFrom(seed, 'device', personIndex, 0),
    displayName: corporate ? `NW-${desktop.platform === 'macOS' ? 'MAC' : 'LT'}-${rng.hex(6).toUpperCase()}` : `${first}-PC`,
    profile: desktop,
    isManaged: corporate,
    isCompliant: corporate && rng.chance(0.95),
    ...(corporate ? { trustType: rng.chance(0.7) ? 'Azure AD joined' : 'Hybrid Azure AD joined' } : {}),
  });
  if (!guest && rng.chance(0.8)) {
    const mobile = rng.weighted(MOBILE_PROFILES.map((p) => ({ item: p.profile, weight: p.weight })));
    const registered = rng.chance(0.7);
    devices.push({
      deviceId: guidFrom(seed, 'device', personIndex, 1),
      displayName: `${first}'s ${mobile.platform === 'iOS' ? 'iPhone' : 'Android'}`,
      profile: mobile,
      isManaged: registered && rng.chance(0.5),
      isCompliant: registered,
      ...(registered ? { trustType: 'Azure AD registered' } : {}),
    });
  }
  if (!guest && rng.chance(0.15)) {
    const home = rng.weighted(DEVICE_PROFILES.map((p) => ({ item: p.profile, weight: p.weight })));
    devices.push({
      deviceId: guidFrom(seed, 'device', personIndex, 2),
      displayName: `${first}-HOME`,
      profile: home,
      isManaged: false,
      isCompliant: false,
    });
  }
  return devices;
}

function vpnFor(city: City, vpnIps: readonly GeoIp[]): GeoIp | undefined {
  // The concentrator of the user's region: far from home for most, which is what makes VPN a travel confounder.
  let best: GeoIp | undefined;
  let bestKm = Infinity;
  for (const v of vpnIps) {
    const km = haversineKm(city.lat, city.lon, v.lat, v.lon);
    if (km < bestKm) {
      bestKm = km;
      best = v;
    }
  }
  return bestKm > 500 ? best : undefined;
}

export function buildOrganisation(seed: number, users: number, alloc: IpAllocator): Organisation {
  const rng = new Rng(seed, 'organisation');
  const apps = buildApps(seed);
  const offices = new Map<string, GeoIp>();
  for (const c of CITIES) if (c.office === true) offices.set(cityKey(c), alloc.city(cityKey(c), true));
  const vpnIps = VPN_CITIES.flatMap((k) => [alloc.city(k, true), alloc.city(k, true)]);
  const homeCities = CITIES.filter((c) => c.weight > 0).map((c) => ({ item: c, weight: c.weight }));
  const deptWeights = DEPARTMENTS.map((d) => ({ item: d, weight: DEPARTMENT_WEIGHTS[d] }));

  const guests = Math.max(2, Math.round(users * 0.08));
  const disabled = Math.max(3, Math.round(users * 0.015));
  const taken = new Set<string>();
  const people: Person[] = [];
  for (let i = 0; i < users; i++) {
    const guest = i >= users - guests;
    const breakGlass = i === 0;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let local = breakGlass ? 'emergency.access' : `${first}.${last}`.toLowerCase().replace(/[^a-z0-9.-]/g, '');
    for (let n = 2; taken.has(local); n++) local = `${first}.${last}${n}`.toLowerCase().replace(/[^a-z0-9.-]/g, '');
    taken.add(local);
    const guestDomain = rng.pick(GUEST_DOMAINS);
    const upn = guest ? `${local}_${guestDomain}#EXT#@${TENANT_DOMAIN}` : `${local}@${ORG_DOMAIN}`;
    const city = rng.weighted(homeCities);
    const ck = cityKey(city);
    const department: Department = i < 12 ? (i < 8 ? 'IT' : 'Security') : rng.weighted(deptWeights);
    const devices = makeDevices(rng, seed, i, guest, first);
    const homeIp = alloc.city(ck);
    const homeIpV6 = rng.chance(0.15) ? alloc.cityV6(ck) : undefined;
    const countryIp = rng.chance(0.04) ? alloc.country(city.country) : undefined;
    const vpn = !guest && !breakGlass && rng.chance(0.06) ? vpnFor(city, vpnIps) : undefined;
    const userApps = guest
      ? apps.filter((a) => ['Microsoft Teams', 'Office 365 SharePoint Online', 'OfficeHome'].includes(a.displayName))
      : apps.filter(
          (a) => a.displayName !== SIGN_IN_ASSISTANT && (a.departments === undefined || a.departments.includes(department)),
        );
    people.push({
      index: i,
      id: guidFrom(seed, 'user', i),
      upn,
      displayName: breakGlass ? 'Emergency Access Account' : `${first} ${last}${guest ? ` (${guestDomain})` : ''}`,
      userType: guest ? 'guest' : 'member',
      // Disabled accounts are leavers: members near the end of the member list.
      enabled: guest || breakGlass || i < users - guests - disabled,
      department,
      city,
      cityKey: ck,
      devices,
      homeIp,
      ...(homeIpV6 !== undefined ? { homeIpV6 } : {}),
      mobileIp: countryIp ?? homeIp,
      mobileCountryOnly: countryIp !== undefined,
      officeWorker: !guest && offices.has(ck) && rng.chance(0.75),
      ...(vpn !== undefined ? { vpnIp: vpn } : {}),
      apps: userApps,
      legacyImap: !guest && rng.chance(0.02),
      signInAssistant: !guest && rng.chance(0.1),
      mfaMethod: rng.weighted(MFA_METHODS),
      activity: breakGlass ? 0.02 : guest ? 0.25 : rng.normal(1, 0.2, 0.5, 1.5),
      isAdmin: i < 12,
    });
  }

  const consumers: ConsumerAccount[] = [];
  const consumerCount = Math.max(5, Math.round(users * 0.015));
  for (let i = 0; i < consumerCount; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const city = rng.weighted(homeCities);
    consumers.push({
      upn: `${first}.${last}${rng.int(1, 99)}@${rng.pick(CONSUMER_DOMAINS)}`.toLowerCase(),
      displayName: `${first} ${last}`,
      id: guidFrom(seed, 'consumer', i),
      ip: alloc.city(cityKey(city)),
    });
  }

  return {
    directory: buildDirectory(rng, seed, people, apps),
    people,
    consumers,
    apps,
    offices,
    vpnIps,
    domain: ORG_DOMAIN,
  };
}

function licencesOf(rng: Rng, p: Person): string[] {
  if (p.userType === 'guest' || p.index === 0) return [];
  if (!p.enabled && rng.chance(0.5)) return [];
  const base = rng.chance(0.3) || p.isAdmin ? SKUS.E5 : SKUS.E3;
  return p.isAdmin || p.department === 'Security' ? [base, SKUS.EntraP2] : [base];
}

function buildDirectory(rng: Rng, seed: number, people: readonly Person[], apps: readonly SimApp[]) {
  const users: DirectoryUser[] = people.map((p) => ({
    id: p.id,
    userPrincipalName: p.upn,
    displayName: p.displayName,
    mail: p.userType === 'guest' ? p.upn.replace(/_([^_#]+)#EXT#@.*$/, '@$1') : p.upn,
    userType: p.userType,
    accountEnabled: p.enabled,
    assignedLicenses: licencesOf(rng, p),
    department: p.department,
    country: p.city.country,
  }));
  const members = people.filter((p) => p.userType === 'member');
  const groups: DirectoryGroup[] = [
    { id: guidFrom(seed, 'group', 'all'), displayName: 'All Employees', selfService: false, memberIds: members.map((p) => p.id) },
    {
      id: guidFrom(seed, 'group', 'guests'),
      displayName: 'All Guests',
      selfService: false,
      memberIds: people.filter((p) => p.userType === 'guest').map((p) => p.id),
    },
    ...DEPARTMENTS.map((d) => ({
      id: guidFrom(seed, 'group', d),
      displayName: `Dept - ${d}`,
      selfService: false,
      memberIds: members.filter((p) => p.department === d).map((p) => p.id),
    })),
    {
      id: guidFrom(seed, 'group', 'vpn'),
      displayName: 'VPN Users',
      selfService: false,
      memberIds: people.filter((p) => p.vpnIp !== undefined).map((p) => p.id),
    },
    {
      id: guidFrom(seed, 'group', 'cloud-admins'),
      displayName: 'Cloud Platform Admins',
      selfService: false,
      memberIds: people.filter((p) => p.isAdmin).map((p) => p.id),
    },
    ...SELF_SERVICE_GROUPS.map((name) => ({
      id: guidFrom(seed, 'group', name),
      displayName: name,
      selfService: true,
      memberIds: rng.sample(members, rng.int(4, Math.min(40, members.length))).map((p) => p.id),
    })),
  ];
  const ids = (from: number, to: number): string[] => people.slice(from, to).map((p) => p.id);
  const roles: DirectoryRole[] = [
    // Index 0 is the unlicensed emergency-access account; 1-4 are licensed global admins.
    { id: guidFrom(seed, 'role', 'ga'), displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ids(0, 5) },
    { id: guidFrom(seed, 'role', 'sa'), displayName: 'Security Administrator', roleTemplateId: SECURITY_ADMIN_ROLE_TEMPLATE_ID, memberIds: ids(8, 11) },
    { id: guidFrom(seed, 'role', 'ua'), displayName: 'User Administrator', roleTemplateId: USER_ADMIN_TEMPLATE, memberIds: ids(5, 7) },
    { id: guidFrom(seed, 'role', 'hd'), displayName: 'Helpdesk Administrator', roleTemplateId: HELPDESK_ADMIN_TEMPLATE, memberIds: ids(6, 8) },
    { id: guidFrom(seed, 'role', 'rr'), displayName: 'Reports Reader', roleTemplateId: REPORTS_READER_TEMPLATE, memberIds: ids(11, 12) },
  ];
  return {
    users,
    groups,
    applications: apps.map((a) => ({ id: a.id, appId: a.appId, displayName: a.displayName })),
    roles,
  };
}
