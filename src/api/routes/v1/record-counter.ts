/**
 * Counts the records of an ingest body as it streams in, without parsing
 * values, so an over-large batch is refused (413) before anything is stored.
 * Understands a JSON array of records, NDJSON (one value per line, or
 * concatenated values), and Graph's `{"value":[...]}` wrapper (counted as its
 * elements plus one). Malformed input may be over-counted, never under-counted
 * by more than the wrapper; the pipeline rejects it record by record anyway.
 */
const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // whitespace and the UTF-8 BOM
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

interface Frame {
  readonly obj: boolean;
  /** Elements of this array are records. */
  readonly counting: boolean;
  expecting: boolean;
}

export class RecordCounter {
  count = 0;
  private readonly stack: Frame[] = [];
  private inString = false;
  private escaped = false;
  private inScalar = false;
  private key = '';
  private capturing = false;
  private lastKey = '';

  feed(chunk: Uint8Array): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.capturing) {
            this.lastKey = this.key;
            this.capturing = false;
          }
        } else if (this.capturing && this.key.length < 16) this.key += String.fromCharCode(c);
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        // Depth 0: each value is one record (NDJSON), except a top-level array whose elements are.
        if (this.inScalar) {
          if (WS.has(c)) this.inScalar = false;
          continue;
        }
        if (WS.has(c)) continue;
        if (c === OPEN_ARR) this.stack.push({ obj: false, counting: true, expecting: true });
        else if (c === OPEN_OBJ) {
          this.count++;
          this.stack.push({ obj: true, counting: false, expecting: false });
        } else if (c === QUOTE) {
          this.count++;
          this.inString = true;
        } else if (c !== CLOSE_ARR && c !== CLOSE_OBJ && c !== COMMA) {
          this.count++;
          this.inScalar = true;
        }
        continue;
      }
      if (WS.has(c)) continue;
      if (c === COMMA) {
        if (top.counting) top.expecting = true;
        continue;
      }
      if (c === CLOSE_ARR || c === CLOSE_OBJ) {
        this.stack.pop();
        continue;
      }
      if (c === COLON) continue;
      if (top.counting && top.expecting) {
        this.count++;
        top.expecting = false;
      }
      if (c === QUOTE) {
        this.inString = true;
        this.capturing = this.stack.length === 1 && top.obj;
        this.key = '';
      } else if (c === OPEN_ARR) {
        const wrapper = this.stack.length === 1 && top.obj && this.lastKey === 'value';
        this.stack.push({ obj: false, counting: wrapper, expecting: wrapper });
      } else if (c === OPEN_OBJ) {
        this.stack.push({ obj: true, counting: false, expecting: false });
      }
    }
    return this.count;
  }
}

export function countRecords(body: Uint8Array): number {
  return new RecordCounter().feed(body);
}
