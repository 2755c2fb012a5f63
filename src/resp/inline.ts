/**
 * Splits an inline command line into arguments with the quoting rules of
 * Redis's `sdssplitargs` (also used by redis-cli and redis.conf):
 * whitespace separates arguments; `"..."` understands `\n \r \t \b \a \\ \"`
 * and `\xHH`; `'...'` understands only `\'`; a closing quote must be
 * followed by whitespace or the end of the line.
 *
 * Two quirks of the C original are kept, since clients see them: an
 * unquoted argument ends only at a space, tab, CR or LF (a vertical tab or
 * form feed belongs to it, though both are skipped between arguments), and
 * a NUL byte ends the line (inside quotes it leaves them unbalanced).
 *
 * @module
 */

/** C's isspace(): what is skipped between arguments. */
function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/** What ends an unquoted argument. */
function endsArgument(b: number): boolean {
  return b === 32 || b === 10 || b === 13 || b === 9;
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
    if (p >= n || line[p] === 0) return args;
    let inDouble = false;
    let inSingle = false;
    current.length = 0;
    for (;;) {
      if (inDouble) {
        if (p >= n || line[p] === 0) return null;
        const b = line[p];
        if (
          b === 92 /* \ */ && p + 3 < n && line[p + 1] === 120 /* x */ &&
          hexValue(line[p + 2]) >= 0 && hexValue(line[p + 3]) >= 0
        ) {
          current.push(hexValue(line[p + 2]) * 16 + hexValue(line[p + 3]));
          p += 3;
        } else if (b === 92 && p + 1 < n && line[p + 1] !== 0) {
          p++;
          const e = line[p];
          current.push(
            e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e,
          );
        } else if (b === 34 /* " */) {
          if (p + 1 < n && line[p + 1] !== 0 && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          current.push(b);
        }
        p++;
      } else if (inSingle) {
        if (p >= n || line[p] === 0) return null;
        const b = line[p];
        if (b === 92 && p + 1 < n && line[p + 1] === 39 /* ' */) {
          p++;
          current.push(39);
        } else if (b === 39) {
          if (p + 1 < n && line[p + 1] !== 0 && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          current.push(b);
        }
        p++;
      } else {
        if (p >= n || line[p] === 0) break;
        const b = line[p];
        if (endsArgument(b)) break;
        if (b === 34) inDouble = true;
        else if (b === 39) inSingle = true;
        else current.push(b);
        p++;
      }
    }
    args.push(Uint8Array.from(current));
  }
}
