import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { globMatch, globMatchRange } from "../../src/util/glob.ts";

const b = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

Deno.test("glob: Redis's stringmatchlen rules", () => {
  const cases: [string, string, boolean][] = [
    ["*", "", false], // Redis never matches an empty subject against a non-empty pattern
    ["", "", true],
    ["*", "abc", true],
    ["a*", "a", true],
    ["a*?", "a", false],
    ["h?llo", "hello", true],
    ["h[ae]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["h[a-b]llo", "hbllo", true],
    ["h[b-a]llo", "hbllo", true], // reversed ranges
    ["h\\*llo", "h*llo", true],
    ["h\\*llo", "hello", false],
    ["*a*a*a*a*b", "a".repeat(40), false], // no exponential blowup
    ["[abc", "a", true], // an unterminated class ends at the end of the pattern
    ["user:*:name", "user:42:name", true],
  ];
  for (const [pattern, subject, expected] of cases) {
    assertEquals(globMatch(b(pattern), b(subject)), expected, `${pattern} vs ${subject}`);
  }
  assertEquals(globMatch(b("HELLO"), b("hello"), true), true);
  assertEquals(globMatch(b("HELLO"), b("hello")), false);
});

Deno.test("glob: a range of a larger buffer matches as its own copy would", () => {
  let seed = 11;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((seed / 0x80000000) * n); // high bits: an LCG's low bits cycle quickly
  };
  // Few distinct bytes, so that patterns often match and the bytes around
  // the range would change the answer if they were read.
  const alphabet = b("ab*?[]^-\\");
  const word = (max: number, from: Uint8Array) =>
    Uint8Array.from({ length: next(max + 1) }, () => from[next(from.length)]);
  let matches = 0, cases = 0;
  for (let i = 0; i < 20_000; i++) {
    const pattern = word(6, alphabet);
    const subject = word(6, b("ab"));
    const before = word(3, b("ab"));
    const after = word(3, b("ab"));
    const buffer = new Uint8Array(before.length + subject.length + after.length);
    buffer.set(before);
    buffer.set(subject, before.length);
    buffer.set(after, before.length + subject.length);
    const expected = globMatch(pattern, subject);
    const from = before.length;
    assertEquals(globMatchRange(pattern, buffer, from, from + subject.length), expected);
    if (expected) matches++;
    if (before.length > 0 && after.length > 0) cases++;
  }
  assertTrue(cases > 10_000, `only ${cases} subjects had bytes on both sides`);
  assertTrue(matches > 500 && matches < 19_500, `matches ${matches}`);
});
