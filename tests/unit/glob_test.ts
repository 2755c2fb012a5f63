import { assertEquals } from "../helpers/assert.ts";
import { globMatch } from "../../src/util/glob.ts";

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
