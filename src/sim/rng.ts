/**
 * Seeded randomness for the simulator. Every stream is derived from (seed,
 * label, index) so that a day or a user can be regenerated on its own and the
 * output is byte-identical for a given seed.
 */

/** 32-bit mix (murmur3 finaliser): spreads nearby seeds over the whole range. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a seed and a path of labels/indexes into 32 bits. */
export function deriveSeed(seed: number, ...path: ReadonlyArray<string | number>): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  for (const part of path) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = mix32(h ^ (text.charCodeAt(i) + Math.imul(i + 1, 0x27d4eb2d)));
    h = mix32(h ^ 0x165667b1);
  }
  return h;
}

export interface WeightedItem<T> {
  readonly item: T;
  readonly weight: number;
}

/** sfc32: small, fast, 128-bit state, good statistical quality for simulation. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, ...path: ReadonlyArray<string | number>) {
    const s = deriveSeed(seed, ...path);
    this.a = mix32(s ^ 0xa341316c);
    this.b = mix32(s ^ 0xc8013ea4);
    this.c = mix32(s ^ 0xad90777d);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(items: ReadonlyArray<WeightedItem<T>>): T {
    let total = 0;
    for (const w of items) total += w.weight;
    let r = this.next() * total;
    for (const w of items) {
      r -= w.weight;
      if (r < 0) return w.item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last.item;
  }

  /**
   * Approximately normal (sum of uniforms), truncated to [min, max] by
   * redrawing: clamping would pile values on the bounds (e.g. sign-ins at
   * exactly 19:00:00).
   */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    for (let tries = 0; tries < 20; tries++) {
      const z = this.next() + this.next() + this.next() + this.next() - 2;
      const v = mean + z * sd * 1.732;
      if (v >= min && v <= max) return v;
    }
    return min + this.next() * (max - min);
  }

  /** k distinct items (or all when fewer), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += this.nextU32().toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }
}

/**
 * Unique GUID-shaped ids: random head, then a stream tag and a counter, so two
 * streams (e.g. two days) can never produce the same id whatever the PRNG does.
 */
export class IdFactory {
  private counter = 0;
  constructor(
    private readonly rng: Rng,
    private readonly stream: number,
  ) {
    if (stream < 0 || stream > 0xfff) throw new Error(`id stream out of range: ${stream}`);
  }

  next(): string {
    const n = this.counter++;
    const tail = n.toString(16).padStart(12, '0');
    return `${this.rng.hex(8)}-${this.rng.hex(4)}-4${this.rng.hex(3)}-${(8 + (this.rng.nextU32() & 3)).toString(16)}${this.stream
      .toString(16)
      .padStart(3, '0')}-${tail}`;
  }
}

/** A deterministic GUID from a name (for directory objects that must be stable across runs of the same seed). */
export function guidFrom(seed: number, ...path: ReadonlyArray<string | number>): string {
  const r = new Rng(seed, 'guid', ...path);
  return `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${(8 + (r.nextU32() & 3)).toString(16)}${r.hex(3)}-${r.hex(12)}`;
}
