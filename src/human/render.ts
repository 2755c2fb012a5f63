/**
 * Renders decoded replies as `redis-cli` prints them on a terminal, so a
 * person on telnet or nc reads what they would read in redis-cli:
 *
 * ```text
 * OK                       simple string
 * (error) ERR ...          error
 * (integer) 1              integer
 * "hello\x00"              bulk string, quoted with redis-cli's escapes
 * (nil)                    any null
 * (double) 3.14            RESP3 double
 * (true) / (false)         RESP3 boolean
 * (big number) 123...      RESP3 big number
 * 1) "a"                   arrays and pushes, numbered, nested with indentation
 * 1~ "a"                   RESP3 sets
 * 1# "k" => "v"            RESP3 maps
 * ```
 *
 * Verbatim strings are printed as their text. Lines end with `\n`; the
 * session converts them for the wire. Output is a latin1 string (one char
 * per byte), so bytes of verbatim text pass through unchanged.
 *
 * Where redis-cli 7.0 gives up (big numbers, blob errors) the reply is
 * still rendered in the same style.
 *
 * @module
 */

import type { Reply } from "../resp/reply_parser.ts";
import { latin1, quoteBytes } from "../util/bytes.ts";

/** Renders one reply, ending with a newline. */
export function renderReply(reply: Reply): string {
  if (isInvalidation(reply)) return renderInvalidation(reply.items[1] as ArrayReply);
  return format(reply, "");
}

type ArrayReply = Extract<Reply, { type: "array" }>;

/** A RESP3 client-side caching invalidation push: `>2 "invalidate" [keys]`. */
function isInvalidation(reply: Reply): reply is Extract<Reply, { type: "push" }> {
  if (reply.type !== "push" || reply.items.length !== 2) return false;
  const [kind, keys] = reply.items;
  return kind.type === "bulk" && latin1(kind.value) === "invalidate" && keys.type === "array";
}

/** redis-cli's one-line form for invalidations: `-> invalidate: 'k1', 'k2'`. */
function renderInvalidation(keys: ArrayReply): string {
  const names = keys.items.map((k) => `'${k.type === "bulk" ? cString(k.value) : ""}'`);
  return `-> invalidate: ${names.join(", ")}\n`;
}

/** The bytes of a C string: up to the first NUL, as redis-cli's `%s` prints them. */
function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return latin1(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function format(r: Reply, prefix: string): string {
  switch (r.type) {
    case "simple":
      return r.text + "\n";
    case "error":
      return `(error) ${r.text}\n`;
    case "integer":
      return `(integer) ${r.value}\n`;
    case "bulk":
      return quoteBytes(r.value) + "\n";
    case "verbatim":
      return latin1(r.value) + "\n";
    case "null":
    case "nullBulk":
    case "nullArray":
      return "(nil)\n";
    case "double":
      return `(double) ${r.text}\n`;
    case "bool":
      return r.value ? "(true)\n" : "(false)\n";
    case "bignum":
      return `(big number) ${r.text}\n`;
    case "array":
    case "push":
      return formatList(
        r.items,
        ")",
        r.type === "array" ? "(empty array)" : "(empty push)",
        prefix,
      );
    case "set":
      return formatList(r.items, "~", "(empty set)", prefix);
    case "map":
      return formatMap(r.entries, prefix);
    case "attribute":
      // Metadata about the next reply: RESP3 lets clients skip it, and redis-cli does not show it.
      return "";
  }
}

/**
 * Numbered elements: `1) a`, `2) b`. Index numbers are right-aligned to the
 * widest; nested elements are indented by the parent's prefix plus the
 * index width and two spaces. The first element has no prefix because the
 * caller already wrote the index it belongs to.
 */
function formatList(items: Reply[], sep: string, empty: string, prefix: string): string {
  if (items.length === 0) return empty + "\n";
  const width = String(items.length).length;
  const inner = prefix + " ".repeat(width + 2);
  let out = "";
  for (let i = 0; i < items.length; i++) {
    out += (i === 0 ? "" : prefix) + String(i + 1).padStart(width) + sep + " ";
    out += format(items[i], inner);
  }
  return out;
}

/** Map entries: `1# key => value`; a value spanning lines starts on its own line. */
function formatMap(entries: [Reply, Reply][], prefix: string): string {
  if (entries.length === 0) return "(empty hash)\n";
  const width = String(entries.length).length;
  const inner = prefix + " ".repeat(width + 2);
  let out = "";
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i];
    out += (i === 0 ? "" : prefix) + String(i + 1).padStart(width) + "# ";
    const k = format(key, inner);
    out += (k.endsWith("\n") ? k.slice(0, -1) : k) + " => ";
    if (isMultiline(value)) out += "\n" + inner;
    out += format(value, inner);
  }
  return out;
}

/** True when an aggregate renders on several lines (redis-cli then breaks before it). */
function isMultiline(r: Reply): boolean {
  switch (r.type) {
    case "array":
    case "set":
    case "push":
      return r.items.length > 1 || (r.items.length === 1 && isMultiline(r.items[0]));
    case "map":
      return r.entries.length > 1 || (r.entries.length === 1 && isMultiline(r.entries[0][1]));
    default:
      return false;
  }
}
