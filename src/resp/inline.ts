/**
 * Splits an inline command line into arguments with the quoting rules of
 * Redis's `sdssplitargs` (also used by redis-cli and redis.conf):
 * whitespace separates arguments; `"..."` understands `\n \r \t \b \a \\ \"`
 * and `\xHH`; `'...'` understands only `\'`; a closing quote must be
 * followed by whitespace or the end of the line.
 *
 * @module
 */

function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

/** Returns the arguments, or null when quotes are unbalanced. */
export function splitInlineArgs(line: Uint8Array): Uint8Array[] | null {
  const args: Uint8Array[] = [];
  const n = line.length;
  let p = 0;
  const current: number[] = [];
  for (;;) {
    while (p < n && isSpace(line[p])) p++;
    if (p >= n) return args;
    let inDouble = false;
    let inSingle = false;
    current.length = 0;
    for (;;) {
      if (inDouble) {
        if (p >= n) return null;
        const b = line[p];
        if (
          b === 92 /* \ */ && p + 3 < n && line[p + 1] === 120 /* x */ &&
          hexValue(line[p + 2]) >= 0 && hexValue(line[p + 3]) >= 0
        ) {
          current.push(hexValue(line[p + 2]) * 16 + hexValue(line[p + 3]));
          p += 3;
        } else if (b === 92 && p + 1 < n) {
          p++;
          const e = line[p];
          current.push(
            e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e,
          );
        } else if (b === 34 /* " */) {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          current.push(b);
        }
        p++;
      } else if (inSingle) {
        if (p >= n) return null;
        const b = line[p];
        if (b === 92 && p + 1 < n && line[p + 1] === 39 /* ' */) {
          p++;
          current.push(39);
        } else if (b === 39) {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          current.push(b);
        }
        p++;
      } else {
        if (p >= n) break;
        const b = line[p];
        if (isSpace(b)) break;
        if (b === 34) inDouble = true;
        else if (b === 39) inSingle = true;
        else current.push(b);
        p++;
      }
    }
    args.push(Uint8Array.from(current));
  }
}
