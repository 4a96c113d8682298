// The simulator's output must enter authlens unchanged: the native adapter
// (picked by --format auto) accepts every record and has nothing to normalise.
import { describe, expect, it } from 'vitest';
import { adaptAuto } from '../ingest/formats/auto.ts';
import { simulate } from './simulate.ts';

describe('simulated events through the ingest adapter', () => {
  it('are all accepted by --format auto as native, already in canonical form', () => {
    const world = simulate({ users: 80, days: 7, seed: 21, end: new Date('2026-11-27T00:00:00.000Z') });
    let line = 0;
    let checked = 0;
    for (const ev of world.events()) {
      line++;
      // Through JSON text, as the file would carry it.
      const value = JSON.parse(JSON.stringify(ev)) as Record<string, unknown>;
      const r = adaptAuto({ ok: true, line, shape: 'json', value });
      if (!r.ok) throw new Error(`line ${line} (${ev.kind} ${ev.id}) rejected at ${r.field}: ${r.reason}`);
      expect(r.event).toEqual(ev);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
