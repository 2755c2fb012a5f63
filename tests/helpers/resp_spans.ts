/**
 * Splits raw RESP2/RESP3 reply bytes (as latin1 text) into the spans of
 * their elements, so tests can compare replies byte for byte piece by
 * piece: for example a Redis reply whose aggregate lists items in an order
 * that changes from one process to the next.
 *
 * @module
 */

/** One element: its bytes are `raw.slice(start, end)`; aggregates have children. */
export interface Span {
  start: number;
  /** End of the header line (`*3\r\n`): where the children begin. */
  bodyStart: number;
  end: number;
  children?: Span[];
}

function lineEnd(raw: string, at: number): number {
  const i = raw.indexOf("\r\n", at);
  if (i < 0) throw new Error(`Unterminated line at ${at}`);
  return i;
}

/** Parses the element starting at `at`. */
export function spanAt(raw: string, at = 0): Span {
  const type = raw[at];
  const eol = lineEnd(raw, at);
  const head = raw.slice(at + 1, eol);
  const bodyStart = eol + 2;
  switch (type) {
    case "$":
    case "=":
    case "!": {
      const n = Number(head);
      return { start: at, bodyStart, end: n < 0 ? bodyStart : bodyStart + n + 2 };
    }
    case "*":
    case "~":
    case ">":
    case "%":
    case "|": {
      const n = Number(head);
      const count = n < 0 ? 0 : type === "%" || type === "|" ? 2 * n : n;
      const children: Span[] = [];
      let pos = bodyStart;
      for (let i = 0; i < count; i++) {
        const child = spanAt(raw, pos);
        children.push(child);
        pos = child.end;
      }
      return { start: at, bodyStart, end: pos, children };
    }
    default:
      return { start: at, bodyStart, end: bodyStart };
  }
}

/** The bytes of a span. */
export function spanText(raw: string, span: Span): string {
  return raw.slice(span.start, span.end);
}
