import { assertEquals } from "../helpers/assert.ts";
import { decodeListpack, encodeListpack } from "../../src/persistence/packed_formats.ts";

Deno.test("listpack: encode/decode round trip over every entry encoding", () => {
  const elements = [
    "0",
    "127",
    "128",
    "-1",
    "-4096",
    "4095",
    "32767",
    "-32768",
    "8388607",
    "-8388608",
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "007",
    "-0",
    "",
    "a",
    "x".repeat(63),
    "y".repeat(64),
    "z".repeat(4095),
    "w".repeat(4096),
    "\x00\r\n\xff",
    "v".repeat(16380),
    "u".repeat(70000),
  ];
  let cases = 0;
  for (let i = 0; i < elements.length; i++) {
    const subset = elements.slice(0, i + 1);
    assertEquals(decodeListpack(encodeListpack(subset)), subset);
    cases++;
  }
  assertEquals(cases, elements.length);
});
