import { assertEquals } from "../helpers/assert.ts";
import { withPair } from "../helpers/differential.ts";

Deno.test("HINCRBYFLOAT matches redis-server: order of checks, texts, 80-bit sums", async () => {
  await withPair(async (p) => {
    for (
      const cmd of [
        ["HINCRBYFLOAT", "h", "f", "abc"],
        ["HINCRBYFLOAT", "h", "f", "inf"],
        ["HINCRBYFLOAT", "h", "f", "-infinity"],
        ["HINCRBYFLOAT", "h", "f", "nan"],
        ["HINCRBYFLOAT", "h", "f", " 1"],
        ["HINCRBYFLOAT", "h", "f", "10.5"],
        ["HINCRBYFLOAT", "h", "f", "0.1"],
        ["HINCRBYFLOAT", "h", "f", "-10.6"],
        ["HINCRBYFLOAT", "h", "f", "5.0e3"],
        ["HINCRBYFLOAT", "h", "f", "0x1p4"],
        ["HSET", "h", "g", "x", "i", "5", "big", "1e4932"],
        ["HINCRBYFLOAT", "h", "g", "1"],
        ["HINCRBYFLOAT", "h", "i", "-5"],
        ["HINCRBYFLOAT", "h", "big", "1e4932"],
        ["HGETALL", "h"],
        ["SET", "str", "x"],
        ["HINCRBYFLOAT", "str", "f", "1"],
        ["HINCRBYFLOAT", "str", "f", "abc"],
        ["HINCRBYFLOAT", "h", "f"],
      ]
    ) await p.same(...cmd);
    // Random sums over a small field set, compared value by value.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const field = `f${i % 7}`;
      const magnitude = Math.pow(10, Math.floor(next() * 12) - 6);
      const increment = ((next() - 0.5) * magnitude).toPrecision(1 + Math.floor(next() * 17));
      await p.same("HINCRBYFLOAT", "r", field, increment);
      compared++;
    }
    assertEquals(compared, 400);
    await p.same("HGETALL", "r");
  });
});
