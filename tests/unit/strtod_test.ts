import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { strtodWhole } from "../../src/util/strtod.ts";
import { formatDouble } from "../../src/util/numbers.ts";

Deno.test("strtod: 3000 texts are accepted, rejected and read exactly as redis-server 7.0 does", async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("./strtod_cases.json", import.meta.url)),
  ) as { cases: [string, boolean, string | null][] };
  let checked = 0;
  let rejected = 0;
  let valued = 0;
  for (const [text, accepted, score] of fixture.cases) {
    const v = strtodWhole(text);
    assertEquals(!Number.isNaN(v), accepted, `accepted: ${JSON.stringify(text)}`);
    if (!accepted) rejected++;
    if (accepted && score !== null) {
      // A sorted set stores -0 as 0; for SORT the two weigh the same.
      assertEquals(formatDouble(v === 0 ? 0 : v), score, `value: ${JSON.stringify(text)}`);
      valued++;
    }
    checked++;
  }
  assertEquals(checked, 3000);
  // Both outcomes are well represented, and most accepted values are checked.
  assertTrue(rejected > 300 && rejected < 2000, `rejected: ${rejected}`);
  assertTrue(valued > 1000, `valued: ${valued}`);
});

Deno.test("strtod: C string rules", () => {
  assertEquals(strtodWhole(""), 0);
  assertEquals(strtodWhole("\0garbage"), 0);
  assertEquals(strtodWhole("12\0garbage"), 12);
  assertEquals(strtodWhole(" \t\n\v\f\r-3"), -3);
  assertTrue(Number.isNaN(strtodWhole("3 ")));
  assertTrue(Number.isNaN(strtodWhole(" ")));
  assertTrue(Number.isNaN(strtodWhole("\u00a03")), "only C-locale spaces are skipped");
  assertEquals(Object.is(strtodWhole("-0"), -0), true);
});
