/**
 * Glob matching over bytes with the rules Redis uses for `KEYS`, `SCAN
 * MATCH`, `PSUBSCRIBE` and `CONFIG GET`: `*`, `?`, `[abc]`, `[^abc]`,
 * `[a-z]` (reversed ranges allowed), `\` escapes, optional case folding.
 *
 * Two quirks of Redis's `stringmatchlen` are kept because they are
 * observable: an empty subject only matches the empty pattern (`KEYS **`
 * does not return the empty key), and range bounds compare as C's signed
 * `char`, so bytes 0x80-0xFF sort below 0x00 (`[a-\xff]` is the range
 * -1..97, which holds `A` and NUL but not `b`).
 *
 * @module
 */

/** A byte as C's signed `char`. */
function signedChar(b: number): number {
  return b < 128 ? b : b - 256;
}

function fold(b: number, nocase: boolean): number {
  return nocase && b >= 65 && b <= 90 ? b + 32 : b;
}

/**
 * Matches `subject` against `pattern`. Backtracking only happens at the most
 * recent `*`, which keeps the cost O(pattern × subject) even for hostile
 * patterns such as `a*a*a*a*b`.
 */
export function globMatch(pattern: Uint8Array, subject: Uint8Array, nocase = false): boolean {
  return globMatchRange(pattern, subject, 0, subject.length, nocase);
}

/**
 * {@link globMatch} of the bytes `subject[from, to)`, so a key can be
 * matched where it is stored without making a view of it (KEYS visits
 * every key).
 */
export function globMatchRange(
  pattern: Uint8Array,
  subject: Uint8Array,
  from: number,
  to: number,
  nocase = false,
): boolean {
  const plen = pattern.length;
  if (to === from) return plen === 0;
  let p = 0;
  let s = from;
  let starP = -1;
  let starS = 0;
  while (s < to) {
    if (p < plen) {
      const c = pattern[p];
      if (c === 42 /* * */) {
        while (p < plen && pattern[p] === 42) p++;
        if (p === plen) return true;
        starP = p;
        starS = s;
        continue;
      }
      if (c === 63 /* ? */) {
        p++;
        s++;
        continue;
      }
      if (c === 91 /* [ */) {
        const end = matchClass(pattern, p, subject[s], nocase);
        if (end >= 0) {
          p = end;
          s++;
          continue;
        }
      } else {
        let lit = c;
        let next = p + 1;
        if (c === 92 /* \ */ && p + 1 < plen) {
          lit = pattern[p + 1];
          next = p + 2;
        }
        if (fold(lit, nocase) === fold(subject[s], nocase)) {
          p = next;
          s++;
          continue;
        }
      }
    }
    if (starP < 0) return false;
    starS++;
    s = starS;
    p = starP;
  }
  while (p < plen && pattern[p] === 42) p++;
  return p === plen;
}

/**
 * Tries the bracket class starting at `pattern[start] === '['` against one
 * byte. Returns the index after the class when it matches, or -1.
 */
function matchClass(pattern: Uint8Array, start: number, byte: number, nocase: boolean): number {
  const plen = pattern.length;
  let p = start + 1;
  const negate = p < plen && pattern[p] === 94; /* ^ */
  if (negate) p++;
  let matched = false;
  const b = fold(byte, nocase);
  while (p < plen && pattern[p] !== 93 /* ] */) {
    if (pattern[p] === 92 && p + 1 < plen) {
      if (fold(pattern[p + 1], nocase) === b) matched = true;
      p += 2;
    } else if (p + 2 < plen && pattern[p + 1] === 45 /* - */) {
      // Redis swaps reversed bounds first and folds case after, on signed chars.
      let lo = signedChar(pattern[p]);
      let hi = signedChar(pattern[p + 2]);
      if (lo > hi) [lo, hi] = [hi, lo];
      const c = signedChar(fold(byte, nocase));
      if (c >= signedChar(fold(lo & 0xff, nocase)) && c <= signedChar(fold(hi & 0xff, nocase))) {
        matched = true;
      }
      p += 3;
    } else {
      if (fold(pattern[p], nocase) === b) matched = true;
      p++;
    }
  }
  // An unterminated class ends at the end of the pattern, as in Redis.
  const after = p < plen ? p + 1 : p;
  return matched !== negate ? after : -1;
}
