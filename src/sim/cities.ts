/**
 * The real cities the simulated organisation lives and travels in, and the
 * ones attacks come from. Names are spelled as GeoLite2 City spells them so
 * that sampled IPs can be bucketed by city. Weights give the org's country mix
 * (a US/European company with offices in Asia-Pacific).
 */
export interface City {
  /** GeoLite2 city name. */
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** IANA time zone, for working hours. */
  readonly tz: string;
  readonly lat: number;
  readonly lon: number;
  /** Share of the workforce living here; 0 for cities only attackers or travellers use. */
  readonly weight: number;
  /** The company has an office (NAT egress) here. */
  readonly office?: boolean;
}

export const CITIES: readonly City[] = [
  { name: 'New York', country: 'US', tz: 'America/New_York', lat: 40.71, lon: -74.01, weight: 20, office: true },
  { name: 'Chicago', country: 'US', tz: 'America/Chicago', lat: 41.88, lon: -87.63, weight: 6, office: true },
  { name: 'Los Angeles', country: 'US', tz: 'America/Los_Angeles', lat: 34.05, lon: -118.24, weight: 4 },
  { name: 'Dallas', country: 'US', tz: 'America/Chicago', lat: 32.78, lon: -96.8, weight: 3 },
  { name: 'Seattle', country: 'US', tz: 'America/Los_Angeles', lat: 47.61, lon: -122.33, weight: 4, office: true },
  { name: 'San Francisco', country: 'US', tz: 'America/Los_Angeles', lat: 37.77, lon: -122.42, weight: 4 },
  { name: 'Boston', country: 'US', tz: 'America/New_York', lat: 42.36, lon: -71.06, weight: 3 },
  { name: 'Atlanta', country: 'US', tz: 'America/New_York', lat: 33.75, lon: -84.39, weight: 2 },
  { name: 'Denver', country: 'US', tz: 'America/Denver', lat: 39.74, lon: -104.99, weight: 2 },
  { name: 'Austin', country: 'US', tz: 'America/Chicago', lat: 30.27, lon: -97.74, weight: 2 },
  { name: 'Toronto', country: 'CA', tz: 'America/Toronto', lat: 43.65, lon: -79.38, weight: 3, office: true },
  { name: 'Montreal', country: 'CA', tz: 'America/Toronto', lat: 45.5, lon: -73.57, weight: 1 },
  { name: 'Vancouver', country: 'CA', tz: 'America/Vancouver', lat: 49.28, lon: -123.12, weight: 1 },
  { name: 'Mexico City', country: 'MX', tz: 'America/Mexico_City', lat: 19.43, lon: -99.13, weight: 1 },
  { name: 'Sao Paulo', country: 'BR', tz: 'America/Sao_Paulo', lat: -23.55, lon: -46.63, weight: 2 },
  { name: 'London', country: 'GB', tz: 'Europe/London', lat: 51.51, lon: -0.13, weight: 9, office: true },
  { name: 'Manchester', country: 'GB', tz: 'Europe/London', lat: 53.48, lon: -2.24, weight: 2 },
  { name: 'Dublin', country: 'IE', tz: 'Europe/Dublin', lat: 53.35, lon: -6.26, weight: 3, office: true },
  { name: 'Paris', country: 'FR', tz: 'Europe/Paris', lat: 48.86, lon: 2.35, weight: 4, office: true },
  { name: 'Lyon', country: 'FR', tz: 'Europe/Paris', lat: 45.76, lon: 4.84, weight: 1 },
  { name: 'Berlin', country: 'DE', tz: 'Europe/Berlin', lat: 52.52, lon: 13.4, weight: 4, office: true },
  { name: 'Munich', country: 'DE', tz: 'Europe/Berlin', lat: 48.14, lon: 11.58, weight: 2 },
  { name: 'Hamburg', country: 'DE', tz: 'Europe/Berlin', lat: 53.55, lon: 9.99, weight: 1 },
  { name: 'Amsterdam', country: 'NL', tz: 'Europe/Amsterdam', lat: 52.37, lon: 4.9, weight: 3, office: true },
  { name: 'Madrid', country: 'ES', tz: 'Europe/Madrid', lat: 40.42, lon: -3.7, weight: 2 },
  { name: 'Barcelona', country: 'ES', tz: 'Europe/Madrid', lat: 41.39, lon: 2.17, weight: 1 },
  { name: 'Milan', country: 'IT', tz: 'Europe/Rome', lat: 45.46, lon: 9.19, weight: 2 },
  { name: 'Stockholm', country: 'SE', tz: 'Europe/Stockholm', lat: 59.33, lon: 18.07, weight: 1 },
  { name: 'Warsaw', country: 'PL', tz: 'Europe/Warsaw', lat: 52.23, lon: 21.01, weight: 2 },
  { name: 'Zurich', country: 'CH', tz: 'Europe/Zurich', lat: 47.38, lon: 8.54, weight: 1 },
  { name: 'Vienna', country: 'AT', tz: 'Europe/Vienna', lat: 48.21, lon: 16.37, weight: 1 },
  { name: 'Mumbai', country: 'IN', tz: 'Asia/Kolkata', lat: 19.08, lon: 72.88, weight: 2 },
  { name: 'Bengaluru', country: 'IN', tz: 'Asia/Kolkata', lat: 12.97, lon: 77.59, weight: 3, office: true },
  { name: 'Singapore', country: 'SG', tz: 'Asia/Singapore', lat: 1.35, lon: 103.82, weight: 2, office: true },
  { name: 'Tokyo', country: 'JP', tz: 'Asia/Tokyo', lat: 35.68, lon: 139.69, weight: 2, office: true },
  { name: 'Seoul', country: 'KR', tz: 'Asia/Seoul', lat: 37.57, lon: 126.98, weight: 1 },
  { name: 'Sydney', country: 'AU', tz: 'Australia/Sydney', lat: -33.87, lon: 151.21, weight: 2, office: true },
  { name: 'Melbourne', country: 'AU', tz: 'Australia/Melbourne', lat: -37.81, lon: 144.96, weight: 1 },
  { name: 'Hong Kong', country: 'HK', tz: 'Asia/Hong_Kong', lat: 22.32, lon: 114.17, weight: 1 },
  { name: 'Johannesburg', country: 'ZA', tz: 'Africa/Johannesburg', lat: -26.2, lon: 28.05, weight: 1 },
  // Attack origins and hosting locations: nobody in the org lives here.
  { name: 'Moscow', country: 'RU', tz: 'Europe/Moscow', lat: 55.76, lon: 37.62, weight: 0 },
  { name: 'Beijing', country: 'CN', tz: 'Asia/Shanghai', lat: 39.9, lon: 116.41, weight: 0 },
  { name: 'Lagos', country: 'NG', tz: 'Africa/Lagos', lat: 6.52, lon: 3.38, weight: 0 },
  { name: 'Hanoi', country: 'VN', tz: 'Asia/Bangkok', lat: 21.03, lon: 105.85, weight: 0 },
  { name: 'Jakarta', country: 'ID', tz: 'Asia/Jakarta', lat: -6.21, lon: 106.85, weight: 0 },
  { name: 'Bucharest', country: 'RO', tz: 'Europe/Bucharest', lat: 44.43, lon: 26.1, weight: 0 },
  { name: 'Istanbul', country: 'TR', tz: 'Europe/Istanbul', lat: 41.01, lon: 28.98, weight: 0 },
  { name: 'Frankfurt am Main', country: 'DE', tz: 'Europe/Berlin', lat: 50.11, lon: 8.68, weight: 0 },
  { name: 'Dubai', country: 'AE', tz: 'Asia/Dubai', lat: 25.2, lon: 55.27, weight: 0 },
  { name: 'Buenos Aires', country: 'AR', tz: 'America/Argentina/Buenos_Aires', lat: -34.6, lon: -58.38, weight: 0 },
  { name: 'Tel Aviv', country: 'IL', tz: 'Asia/Jerusalem', lat: 32.09, lon: 34.78, weight: 0 },
  { name: 'Prague', country: 'CZ', tz: 'Europe/Prague', lat: 50.08, lon: 14.44, weight: 0 },
];

export const cityKey = (c: Pick<City, 'name' | 'country'>): string => `${c.name}|${c.country}`;

export const ATTACKER_CITIES: readonly string[] = [
  'Moscow|RU',
  'Beijing|CN',
  'Lagos|NG',
  'Hanoi|VN',
  'Jakarta|ID',
  'Bucharest|RO',
  'Istanbul|TR',
];
/** Where the irregular sign-ins come from: countries no other episode uses. */
export const IRREGULAR_CITIES: readonly string[] = ['Dubai|AE', 'Buenos Aires|AR', 'Tel Aviv|IL'];
/** Where anonymizer (Tor-like) exits of the demo list sit. */
export const ANONYMIZER_CITIES: readonly string[] = ['Frankfurt am Main|DE', 'Amsterdam|NL', 'Prague|CZ', 'Bucharest|RO'];
/** Corporate VPN concentrators: users far from them egress here, trusted. */
export const VPN_CITIES: readonly string[] = ['Frankfurt am Main|DE', 'Dallas|US', 'Singapore|SG'];

/** Great-circle distance in km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}
