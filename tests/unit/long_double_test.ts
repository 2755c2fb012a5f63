import { assertEquals, assertTrue } from "../helpers/assert.ts";
import {
  addLongDouble,
  addLongDoubleStrings,
  formatLongDoubleHuman,
  type LongDouble,
  parseLongDouble,
  parseLongDoubleText,
} from "../../src/util/long_double.ts";

const NOT_FLOAT = "ERR value is not a valid float";
const NAN_OR_INF = "ERR increment would produce NaN or Infinity";

/** What Rift replies to `SET k a` + `INCRBYFLOAT k b`, as the fixture records Redis's reply. */
function incrbyfloat(a: string, b: string): string {
  const x = parseLongDoubleText(a);
  const y = parseLongDoubleText(b);
  if (x === null || y === null) return NOT_FLOAT;
  const sum = addLongDouble(x, y);
  return sum.kind === "finite" ? formatLongDoubleHuman(sum) : NAN_OR_INF;
}

Deno.test("long double: 2000 random cases match redis-server 7.0 exactly", async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("./long_double_cases.json", import.meta.url)),
  ) as { cases: [string, string, string][] };
  let checked = 0;
  let errors = 0;
  for (const [a, b, expected] of fixture.cases) {
    assertEquals(incrbyfloat(a, b), expected, `SET k ${a} / INCRBYFLOAT k ${b}`);
    if (expected.startsWith("ERR")) errors++;
    checked++;
  }
  assertEquals(checked, 2000);
  // The fixture covers both outcomes, not only one of them.
  assertTrue(errors > 50 && errors < 400, `errors: ${errors}`);
});

Deno.test("long double: values that differ from double arithmetic", () => {
  assertEquals(addLongDoubleStrings("10.5", "0.1"), "10.6");
  assertEquals(addLongDoubleStrings("0", "5.0e3"), "5000");
  assertEquals(addLongDoubleStrings("0.1", "0.2"), "0.3");
  assertEquals(addLongDoubleStrings("3.0e3", "1.5"), "3001.5");
  // 2^-18 has 18 decimals ending in 5: %.17Lf rounds the tie to even.
  assertEquals(addLongDoubleStrings("0", "0.000003814697265625"), "0.00000381469726562");
  assertEquals(addLongDoubleStrings("0", "0.000003814697265635"), "0.00000381469726563");
  // 2^64 + 1 is halfway between two long doubles: ties to even.
  assertEquals(addLongDoubleStrings("18446744073709551617", "0"), "18446744073709551616");
  assertEquals(addLongDoubleStrings("9223372036854775807", "1"), "9223372036854775808");
  assertEquals(addLongDoubleStrings("-1", "1"), "0");
  assertEquals(addLongDoubleStrings("-0", "-0"), "0");
  assertEquals(addLongDoubleStrings("-0.000000000000000001", "0"), "0");
  assertEquals(addLongDoubleStrings("0x1p3", "0X.8"), "8.5");
});

Deno.test("long double: 1e400 prints its exact binary value", () => {
  const text = addLongDoubleStrings("0", "1.0e400")!;
  assertEquals(text.length, 401);
  assertTrue(text.startsWith("10000000000000000000281880683947586514586453433629"));
  assertTrue(text.endsWith("497430221946880"));
});

Deno.test("long double: parsing rejects what string2ld rejects", () => {
  const rejected = [
    "",
    " 1",
    "1 ",
    "\t1",
    "1e",
    "abc",
    "nan",
    "-nan",
    "nan(1)",
    "0x",
    ".",
    "+",
    "1e5000",
    "1e-5000",
    "0x1p16384",
    "0x1p-16446",
    "1\u00002",
    "1.5\u0000",
    "1".repeat(5120),
  ];
  for (const text of rejected) {
    assertEquals(parseLongDoubleText(text), null, JSON.stringify(text));
  }
  const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  assertEquals(parseLongDouble(bytes("1\u0000")), null);
  assertEquals(parseLongDouble(new Uint8Array(0)), null);
  assertEquals(formatLongDoubleHuman(parseLongDouble(bytes("2.5"))!), "2.5");
  // Just under the 5 KiB limit is still parsed.
  assertEquals(
    formatLongDoubleHuman(parseLongDoubleText("0." + "0".repeat(5110) + "1e5110")!),
    "0.1",
  );
});

Deno.test("long double: infinities and denormals", () => {
  const inf = parseLongDoubleText("inf") as LongDouble;
  assertEquals(inf.kind, "infinite");
  assertEquals(addLongDouble(inf, parseLongDoubleText("-INFINITY")!).kind, "nan");
  assertEquals(formatLongDoubleHuman(inf), "inf");
  assertEquals(addLongDoubleStrings("inf", "1"), null);
  // The smallest denormal survives parsing; half of it rounds to zero and is rejected.
  const tiny = parseLongDoubleText("0x1p-16445")!;
  assertTrue(tiny.kind === "finite" && tiny.mantissa === 1n && tiny.exponent === -16445);
  assertEquals(parseLongDoubleText("0x1.8p-16446")!.kind, "finite");
  // The largest finite value, and the sum that overflows past it.
  const max = "0x1.fffffffffffffffep16383";
  assertEquals(parseLongDoubleText(max)!.kind, "finite");
  assertEquals(
    addLongDouble(parseLongDoubleText(max)!, parseLongDoubleText(max)!).kind,
    "infinite",
  );
  assertEquals(addLongDoubleStrings(max, "1"), addLongDoubleStrings(max, "0"));
});
