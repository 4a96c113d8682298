/**
 * English country names -> ISO 3166-1 alpha-2 codes. Graph gives a sign-in's
 * country as a code; Okta (and other IdPs that geolocate themselves) give the
 * name. Reports and detections compare countries as strings, so "United
 * States" and "US" would count as two countries for one user. The names come
 * from ICU (Intl.DisplayNames, full ICU in Node 20), plus the older or formal
 * spellings GeoIP vendors still use.
 */

const ALIASES: Readonly<Record<string, string>> = {
  'united states of america': 'US',
  usa: 'US',
  'great britain': 'GB',
  'korea, republic of': 'KR',
  'republic of korea': 'KR',
  'korea, democratic people\u2019s republic of': 'KP',
  "korea, democratic people's republic of": 'KP',
  'russian federation': 'RU',
  'czech republic': 'CZ',
  turkey: 'TR',
  'ivory coast': 'CI',
  "cote d'ivoire": 'CI',
  macedonia: 'MK',
  'republic of north macedonia': 'MK',
  'viet nam': 'VN',
  'iran, islamic republic of': 'IR',
  'taiwan, province of china': 'TW',
  'moldova, republic of': 'MD',
  'republic of moldova': 'MD',
  'tanzania, united republic of': 'TZ',
  'syrian arab republic': 'SY',
  "lao people's democratic republic": 'LA',
  'venezuela, bolivarian republic of': 'VE',
  'bolivia, plurinational state of': 'BO',
  'hong kong sar china': 'HK',
  'macao sar china': 'MO',
  swaziland: 'SZ',
  burma: 'MM',
  myanmar: 'MM',
  'democratic republic of the congo': 'CD',
  'congo, the democratic republic of the': 'CD',
  congo: 'CG',
  'republic of the congo': 'CG',
  'cape verde': 'CV',
  'holy see (vatican city state)': 'VA',
  'palestine, state of': 'PS',
  'brunei darussalam': 'BN',
};

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Codes ICU still names that are not a current country: withdrawn ones that
 * share a name with today's code (DD and DE are both "Germany"), the reserved
 * UK, and groupings.
 */
const NOT_CURRENT: ReadonlySet<string> = new Set([
  'AN', 'BU', 'CS', 'DD', 'DY', 'FX', 'HV', 'NH', 'RH', 'SU', 'TP', 'UK', 'VD', 'YD', 'YU', 'ZR',
  'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ',
]);

function buildIndex(): ReadonlyMap<string, string> {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const index = new Map<string, string>();
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = a + b;
      if (NOT_CURRENT.has(code)) continue;
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      // Unassigned codes have no name.
      if (name !== undefined && name !== code) index.set(fold(name), code);
    }
  }
  for (const [name, code] of Object.entries(ALIASES)) index.set(fold(name), code);
  return index;
}

/** Case, accents and curly apostrophes do not make a different country. */
function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

let index: ReadonlyMap<string, string> | undefined;

/** The ISO alpha-2 code of an English country name, or undefined when the name is not one. */
export function countryCodeOf(name: string): string | undefined {
  index ??= buildIndex();
  return index.get(fold(name));
}

/** A country as the source spelt it, as a code where the name is known (a code stays a code). */
export function normalizeCountry(value: string): string {
  if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase();
  return countryCodeOf(value) ?? value;
}
