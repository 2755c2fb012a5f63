/**
 * Reading commands from an AOF: RESP multibulk arrays, with `#` annotation
 * lines (such as `#TS:<unix time>`) skipped as Redis does.
 *
 * @module
 */

import type { ByteWindow } from "./chunked_file.ts";

/** The AOF is malformed at `offset` (not just cut short). */
export class AofFormatError extends Error {
  override name = "AofFormatError";
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** Longest `*<argc>` or `$<len>` line accepted (Redis's AOF_ANNOTATION_LINE_MAX_LEN). */
const MAX_LINE = 1024;

/**
 * Parses the command at the window's position. Returns its arguments (views
 * into the window) and advances the position, or returns null when the
 * window ends before the command does (more data, or a truncated file).
 * Throws {@link AofFormatError} for bytes that cannot be a command.
 */
export function parseAofCommand(input: ByteWindow): Uint8Array[] | null {
  const buf = input.buf;
  let p = input.pos;
  // Annotations: whole lines starting with '#'.
  while (p < buf.length && buf[p] === 35 /* # */) {
    const nl = buf.indexOf(10, p);
    if (nl < 0) return null;
    p = nl + 1;
    input.pos = p;
  }
  if (p >= buf.length) return null;
  const fail = (why: string, at: number) => new AofFormatError(why, input.base + at);
  if (buf[p] !== 42 /* * */) throw fail(`Expected '*', found byte ${buf[p]}`, p);
  const readNumber = (start: number): [number, number] | null => {
    const cr = buf.indexOf(13, start);
    if (cr < 0 || cr + 1 >= buf.length) {
      if (buf.length - start > MAX_LINE) throw fail("Line too long", start);
      return null;
    }
    if (buf[cr + 1] !== 10) throw fail("Expected CRLF after a count", cr);
    let n = 0;
    if (cr === start) throw fail("Missing count", start);
    for (let i = start; i < cr; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) throw fail("Invalid count", start);
      n = n * 10 + d;
    }
    return [n, cr + 2];
  };
  const head = readNumber(p + 1);
  if (head === null) return null;
  const [argc, afterHead] = head;
  if (argc < 1) throw fail("Invalid argument count", p);
  p = afterHead;
  const argv: Uint8Array[] = [];
  for (let i = 0; i < argc; i++) {
    if (p >= buf.length) return null;
    if (buf[p] !== 36 /* $ */) throw fail(`Expected '$', found byte ${buf[p]}`, p);
    const lenLine = readNumber(p + 1);
    if (lenLine === null) return null;
    const [len, start] = lenLine;
    if (start + len + 2 > buf.length) return null;
    if (buf[start + len] !== 13 || buf[start + len + 1] !== 10) {
      throw fail("Expected CRLF after an argument", start + len);
    }
    argv.push(buf.subarray(start, start + len));
    p = start + len + 2;
  }
  input.pos = p;
  return argv;
}
