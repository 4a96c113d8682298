/**
 * Finds where a JSON text stops being valid, so a rejection can name the line
 * and column. V8's JSON.parse messages only sometimes carry a position, so on
 * failure we re-scan the text with this small validator (it runs only for bad
 * records, never on the hot path).
 */

export interface JsonSyntaxError {
  /** 0-based offset (UTF-16 code units) of the offending character in the text. */
  readonly offset: number;
  readonly reason: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/** Returns the first syntax error of `text`, or undefined when it is valid JSON. Iterative: deep nesting cannot overflow the stack. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  // Container stack: '{' or '['; `expect` says what may come next.
  const stack: string[] = [];
  type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';
  let expect: Expect = 'value';
  const fail = (at: number, reason: string): JsonSyntaxError => ({ offset: at, reason });
  const describe = (at: number): string => (at >= n ? 'end of input' : `'${text[at] ?? ''}'`);

  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'commaOrClose');

  while (true) {
    while (i < n && WS.has(text[i] ?? '')) i++;
    if (i >= n) {
      if (expect === 'end') return undefined;
      return fail(n, stack.length > 0 ? `unexpected end of input inside ${stack.at(-1) === '{' ? 'an object' : 'an array'}` : 'unexpected end of input');
    }
    const c = text[i] ?? '';
    switch (expect) {
      case 'end':
        return fail(i, `unexpected ${describe(i)} after the end of the JSON value`);
      case 'colon':
        if (c !== ':') return fail(i, `expected ':' after a property name, found ${describe(i)}`);
        i++;
        expect = 'value';
        continue;
      case 'commaOrClose': {
        const top = stack.at(-1);
        if (c === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
          continue;
        }
        if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        return fail(i, `expected ',' or '${top === '{' ? '}' : ']'}', found ${describe(i)}`);
      }
      case 'key':
      case 'keyOrClose': {
        if (c === '}' && expect === 'keyOrClose') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c === '}') return fail(i, "trailing comma: expected a property name before '}'");
        if (c !== '"') return fail(i, `expected a double-quoted property name, found ${describe(i)}`);
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'colon';
        continue;
      }
      case 'value':
      case 'valueOrClose': {
        if (c === ']' && expect === 'valueOrClose') {
          stack.pop();
          i++;
          expect = afterValue();
          continue;
        }
        if (c === ']' && stack.at(-1) === '[') return fail(i, "trailing comma: expected a value before ']'");
        if (c === '{') {
          stack.push('{');
          i++;
          expect = 'keyOrClose';
          continue;
        }
        if (c === '[') {
          stack.push('[');
          i++;
          expect = 'valueOrClose';
          continue;
        }
        if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          expect = afterValue();
          continue;
        }
        const lit = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
        if (lit === null || lit[0] === '') return fail(i, `unexpected ${describe(i)} where a value was expected`);
        i += lit[0].length;
        expect = afterValue();
        continue;
      }
    }
  }
}

/** Returns the offset just after the closing quote, or the error. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, reason: 'invalid \\u escape in a string' };
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) return { offset: i, reason: 'invalid escape in a string' };
      i += 2;
      continue;
    }
    if (code < 0x20) {
      return { offset: i, reason: code === 0x0a ? 'unterminated string (line break inside a string)' : 'control character inside a string' };
    }
    i++;
  }
  return { offset: text.length, reason: 'unterminated string' };
}

/** 1-based line and column of an offset within a text whose first character sits at (startLine, startColumn). */
export function lineAndColumn(
  text: string,
  offset: number,
  startLine: number,
  startColumn = 1,
): { line: number; column: number } {
  let line = startLine;
  let lastNl = -1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lastNl = i;
    }
  }
  return { line, column: lastNl < 0 ? startColumn + end : end - lastNl };
}
