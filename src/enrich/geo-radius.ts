/**
 * Accuracy radii (km) by precision class, for databases that give none.
 * City: GeoLite2's median city accuracy is tens of km; 25 km is the usual
 * figure MaxMind publishes for a city-level hit. Region: a typical
 * state/province spans a few hundred km; 150 km is its rough radius.
 * Country: sqrt(area / pi), the radius of a disc of the country's area, for
 * the larger countries (areas in km², rounded, from the CIA World Factbook);
 * 500 km for the rest, which covers most of the others.
 */
export const CITY_RADIUS_KM = 25;
export const REGION_RADIUS_KM = 150;
export const DEFAULT_COUNTRY_RADIUS_KM = 500;

const AREA_KM2: Readonly<Record<string, number>> = {
  RU: 17_098_000, CA: 9_985_000, US: 9_834_000, CN: 9_597_000, BR: 8_516_000, AU: 7_741_000,
  IN: 3_287_000, AR: 2_780_000, KZ: 2_725_000, DZ: 2_382_000, CD: 2_345_000, GL: 2_166_000,
  SA: 2_150_000, MX: 1_964_000, ID: 1_905_000, SD: 1_886_000, LY: 1_760_000, IR: 1_648_000,
  MN: 1_564_000, PE: 1_285_000, TD: 1_284_000, NE: 1_267_000, AO: 1_247_000, ML: 1_240_000,
  ZA: 1_219_000, CO: 1_139_000, ET: 1_104_000, BO: 1_099_000, MR: 1_031_000, EG: 1_001_000,
  TZ: 947_000, NG: 924_000, VE: 912_000, PK: 796_000, NA: 824_000, MZ: 799_000, TR: 784_000,
  CL: 756_000, ZM: 753_000, MM: 677_000, AF: 652_000, SS: 644_000, FR: 644_000, SO: 638_000,
  CF: 623_000, UA: 604_000, MG: 587_000, BW: 582_000, KE: 580_000, YE: 528_000, TH: 513_000,
  ES: 506_000, TM: 488_000, CM: 475_000, PG: 463_000, SE: 450_000, UZ: 447_000, MA: 447_000,
  IQ: 438_000, PY: 407_000, ZW: 391_000, JP: 378_000, DE: 357_000, CG: 342_000, FI: 338_000,
  VN: 331_000, MY: 330_000, NO: 324_000, CI: 322_000, PL: 313_000, OM: 310_000, IT: 301_000,
  PH: 300_000, EC: 284_000, BF: 274_000, NZ: 268_000, GA: 268_000, GN: 246_000, GB: 244_000,
  UG: 241_000, GH: 239_000, RO: 238_000, LA: 237_000, GY: 215_000, BY: 208_000, KG: 200_000,
};

/** Radius of a disc with the country's area, or the default for smaller or unknown countries. */
export function countryRadiusKm(countryCode: string | undefined): number {
  const area = countryCode === undefined ? undefined : AREA_KM2[countryCode.toUpperCase()];
  if (area === undefined) return DEFAULT_COUNTRY_RADIUS_KM;
  return Math.round(Math.sqrt(area / Math.PI));
}
