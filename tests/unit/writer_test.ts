import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { latin1 } from "../helpers/client.ts";
import { ReplyWriter } from "../../src/resp/writer.ts";

Deno.test("writer: output appended while a write is in flight never touches the bytes taken", () => {
  const w = new ReplyWriter(64);
  w.simple("FIRST");
  const chunk = w.take();
  // A pub/sub message arrives while the socket still writes `chunk`.
  for (let i = 0; i < 40; i++) w.integer(i);
  assertEquals(latin1(chunk), "+FIRST\r\n");
  w.release(chunk);
  const second = w.take();
  assertTrue(latin1(second).startsWith(":0\r\n:1\r\n"));
  assertEquals(latin1(chunk), "+FIRST\r\n");
  w.release(second);
  assertEquals(w.length, 0);
});

Deno.test("writer: the buffer is reused across writes when nothing is appended in flight", () => {
  const w = new ReplyWriter();
  w.ok();
  const first = w.take();
  w.release(first);
  w.ok();
  const second = w.take();
  w.release(second);
  assertTrue(first.buffer === second.buffer);
});

Deno.test("writer: output as long as the last write reuses its view, unless the buffer changed", () => {
  const w = new ReplyWriter();
  w.simple("ONE");
  const first = w.take();
  w.release(first);
  w.simple("TWO");
  const second = w.take();
  w.release(second);
  assertTrue(second === first, "the view is reused");
  assertEquals(latin1(second), "+TWO\r\n");
  w.simple("THREE");
  const third = w.take();
  assertTrue(third !== first);
  assertEquals(latin1(third), "+THREE\r\n");
  // Appended during the write: the other buffer, so another view.
  w.simple("FOUR!");
  w.release(third);
  const fourth = w.take();
  assertTrue(fourth !== third);
  assertEquals(latin1(fourth), "+FOUR!\r\n");
  assertEquals(latin1(third), "+THREE\r\n");
  w.release(fourth);
});

Deno.test("writer: a buffer grown for a large reply is dropped once drained", () => {
  const w = new ReplyWriter();
  w.bulk(new Uint8Array(3 * 1024 * 1024));
  assertTrue(w.buf.length > 1024 * 1024);
  const chunk = w.take();
  assertEquals(chunk.length, 3 * 1024 * 1024 + "$3145728\r\n\r\n".length);
  w.release(chunk);
  assertTrue(w.buf.length <= 1024 * 1024);
  w.ok();
  assertEquals(latin1(w.take()), "+OK\r\n");
});

Deno.test("writer: a deferred aggregate started before a write completes stays intact", () => {
  const w = new ReplyWriter(32);
  w.simple("X");
  const chunk = w.take();
  const mark = w.beginDeferred();
  w.bulkLatin1("a");
  w.bulkLatin1("b");
  w.endDeferred(mark, "array", 2);
  assertEquals(latin1(chunk), "+X\r\n");
  w.release(chunk);
  assertEquals(latin1(w.take()), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
});

Deno.test("writer: a recycled writer's buffer serves the next connection; late replies go elsewhere", () => {
  const closed = new ReplyWriter();
  const pooled = closed.buf;
  closed.recycle();
  const next = new ReplyWriter();
  assertTrue(next.buf === pooled);
  closed.simple("LATE");
  assertTrue(closed.buf !== pooled);
  next.ok();
  assertEquals(latin1(next.take()), "+OK\r\n");
});

Deno.test("writer: a buffer with a write in flight is not recycled", () => {
  const w = new ReplyWriter();
  w.ok();
  const chunk = w.take();
  w.recycle();
  const next = new ReplyWriter();
  assertTrue(next.buf.buffer !== chunk.buffer);
  assertEquals(latin1(chunk), "+OK\r\n");
});

Deno.test("writer: integers of every size are written in decimal", () => {
  const w = new ReplyWriter();
  const values = [
    0,
    1,
    9,
    10,
    99,
    100,
    999,
    1000,
    65535,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
  ];
  values.push(2 ** 53 - 1, -1, -100, -(2 ** 32), 123456789012);
  let expected = "";
  for (const v of values) {
    w.integer(v);
    expected += `:${v}\r\n`;
  }
  w.integer(2n ** 63n - 1n);
  expected += ":9223372036854775807\r\n";
  assertEquals(latin1(w.take()), expected);
});

Deno.test("writer: Rift's own text as bulk and verbatim replies, ASCII or not, is UTF-8", () => {
  const texts = [
    "",
    "# Server\r\nredis_version:7.0.15\r\n",
    "exécutable:/opt/rïft ✓",
    // Long enough for the one-call copy, and joined from parts as INFO's is.
    ["# Server", ...Array.from({ length: 40 }, (_, i) => `line_${i}:${i * 7}`)].join("\r\n"),
  ];
  let checked = 0;
  for (const text of texts) {
    const utf8 = new TextEncoder().encode(text);
    for (const proto of [2, 3] as const) {
      const w = new ReplyWriter(64);
      w.proto = proto;
      w.bulkText(text);
      w.verbatim(text);
      const body = latin1(utf8);
      const verbatim = proto === 3
        ? `=${utf8.length + 4}\r\ntxt:${body}\r\n`
        : `$${utf8.length}\r\n${body}\r\n`;
      assertEquals(latin1(w.take()), `$${utf8.length}\r\n${body}\r\n` + verbatim);
      checked++;
    }
  }
  assertEquals(checked, 8);
});
