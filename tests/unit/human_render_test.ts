import { ReplyParser } from "../../src/resp/reply_parser.ts";
import { renderReply } from "../../src/human/render.ts";
import { latin1Bytes } from "../../src/util/bytes.ts";
import { assertEquals } from "../helpers/assert.ts";
import { GOLDEN_REPLIES } from "../helpers/human_replies.ts";

/** Decodes one reply from latin1 RESP text. */
function decode(resp: string) {
  const parser = new ReplyParser();
  parser.feed(latin1Bytes(resp));
  const next = parser.next();
  if (next === undefined) throw new Error(`incomplete RESP: ${JSON.stringify(resp)}`);
  assertEquals(parser.pending, 0, "the golden RESP holds exactly one reply");
  return next.reply;
}

Deno.test("human render: golden output for every reply shape", () => {
  let cases = 0;
  for (const golden of GOLDEN_REPLIES) {
    assertEquals(renderReply(decode(golden.resp)), golden.text, golden.name);
    cases++;
  }
  assertEquals(cases, GOLDEN_REPLIES.length);
  const types = new Set(GOLDEN_REPLIES.map((g) => decode(g.resp).type));
  for (
    const type of [
      "simple",
      "error",
      "integer",
      "bulk",
      "nullBulk",
      "nullArray",
      "null",
      "array",
      "map",
      "set",
      "push",
      "double",
      "bool",
      "verbatim",
      "bignum",
    ]
  ) {
    assertEquals(types.has(type as never), true, `a golden case covers ${type}`);
  }
});

Deno.test("human render: every byte value quotes as redis-cli's sdscatrepr does", () => {
  const named: Record<number, string> = {
    0x5c: "\\\\",
    0x22: '\\"',
    0x0a: "\\n",
    0x0d: "\\r",
    0x09: "\\t",
    0x07: "\\a",
    0x08: "\\b",
  };
  for (let b = 0; b < 256; b++) {
    const expected = named[b] ??
      (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`);
    assertEquals(
      renderReply({ type: "bulk", value: new Uint8Array([b]) }),
      `"${expected}"\n`,
      `byte ${b}`,
    );
  }
});

Deno.test("human render: deep nesting indents by each level's index width", () => {
  // 10 elements at the top (index width 2) holding 2 (width 1) holding 1.
  const inner = { type: "array" as const, items: [{ type: "integer" as const, value: 7n }] };
  const middle = { type: "array" as const, items: [inner, inner] };
  const items = Array.from({ length: 9 }, () => ({ type: "simple" as const, text: "x" }));
  const text = renderReply({ type: "array", items: [...items, middle] });
  assertEquals(
    text.split("\n").slice(8).join("\n"),
    " 9) x\n10) 1) 1) (integer) 7\n    2) 1) (integer) 7\n",
  );
});

Deno.test("human render: attributes are metadata and print nothing", () => {
  assertEquals(renderReply(decode("|1\r\n+ttl\r\n:3\r\n")), "");
});

Deno.test("human render: invalidation with a null key list renders as a plain push", () => {
  assertEquals(
    renderReply(decode(">2\r\n$10\r\ninvalidate\r\n_\r\n")),
    '1) "invalidate"\n2) (nil)\n',
  );
});
