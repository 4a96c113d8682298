import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countryCodeOf, normalizeCountry } from './country-name.ts';

describe('country names to ISO codes', () => {
  it('maps the names IdPs write, whatever their case, accents or older spelling', () => {
    expect(countryCodeOf('United States')).toBe('US');
    expect(countryCodeOf('united kingdom')).toBe('GB');
    expect(countryCodeOf('Germany')).toBe('DE');
    expect(countryCodeOf('Portugal')).toBe('PT');
    expect(countryCodeOf('Côte d’Ivoire')).toBe('CI');
    expect(countryCodeOf('Cote dIvoire')).toBeUndefined();
    expect(countryCodeOf("Cote d'Ivoire")).toBe('CI');
    expect(countryCodeOf('Korea, Republic of')).toBe('KR');
    expect(countryCodeOf('Russian Federation')).toBe('RU');
    expect(countryCodeOf('Czech Republic')).toBe('CZ');
    expect(countryCodeOf('  South   Korea ')).toBe('KR');
  });

  it('keeps codes as codes and unknown names as given', () => {
    expect(normalizeCountry('us')).toBe('US');
    expect(normalizeCountry('FR')).toBe('FR');
    expect(normalizeCountry('United States')).toBe('US');
    expect(normalizeCountry('Atlantis')).toBe('Atlantis');
  });

  it('never throws and answers a two-letter code or the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const out = normalizeCountry(s);
        expect(out === s || /^[A-Z]{2}$/.test(out)).toBe(true);
      }),
    );
  });
});

describe('country names of withdrawn codes', () => {
  it('give the current code', () => {
    for (const [name, code] of [
      ['Germany', 'DE'],
      ['Serbia', 'RS'],
      ['Vietnam', 'VN'],
      ['Yemen', 'YE'],
      ['Zimbabwe', 'ZW'],
      ['Myanmar (Burma)', 'MM'],
      ['Curaçao', 'CW'],
      ['Vanuatu', 'VU'],
      ['Russia', 'RU'],
    ] as const) {
      expect(countryCodeOf(name)).toBe(code);
    }
  });
});
