import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { formatDouble, parseDouble, parseDoubleText } from "../../src/util/numbers.ts";

const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

Deno.test("formatDouble: %.17g, exactly as C prints it", () => {
  const cases: [number, string][] = [
    [1, "1"],
    [1.5, "1.5"],
    [0.1, "0.10000000000000001"],
    [-0.1, "-0.10000000000000001"],
    [1e20, "1e+20"],
    [1e17, "1e+17"],
    [12345678901234567, "12345678901234568"],
    [1e-5, "1.0000000000000001e-05"],
    [0.0001, "0.0001"],
    [1e-300, "1e-300"],
    [5e-324, "4.9406564584124654e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123.456, "123.456"],
    [-0, "-0"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    // Exact ties at the 17th digit round to even, as C does (JS alone rounds them up).
    [-2168485851571190.25, "-2168485851571190.2"],
    [2168485851571190.75, "2168485851571190.8"],
    [0.5, "0.5"],
  ];
  for (const [d, text] of cases) assertEquals(formatDouble(d), text, String(d));
});

Deno.test("parseDouble: strtod's syntax with Redis's rejections", () => {
  assertEquals(parseDouble(bytes("1.5")), 1.5);
  assertEquals(parseDouble(bytes("-inf")), -Infinity);
  assertEquals(parseDouble(bytes("+Infinity")), Infinity);
  assertEquals(parseDouble(bytes("0x1p4")), 16);
  assertEquals(parseDouble(bytes("1e5")), 100000);
  assertEquals(parseDouble(bytes(".5")), 0.5);
  assertTrue(Number.isNaN(parseDouble(bytes("nan"))));
  assertTrue(Number.isNaN(parseDouble(bytes(" 1"))));
  assertTrue(Number.isNaN(parseDouble(bytes("1 "))));
  assertTrue(Number.isNaN(parseDouble(bytes("1e400"))), "overflow is rejected");
  assertTrue(Number.isNaN(parseDouble(bytes("1e-400"))), "underflow to zero is rejected");
  assertTrue(Number.isNaN(parseDouble(bytes(""))));
});

Deno.test("formatDouble matches C's printf(\"%.17g\") (Python's % formatting) on random doubles", async () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const view = new DataView(new ArrayBuffer(8));
  // Integers around the 2^53 edge of formatDouble's integer fast path.
  const values: number[] = [
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    1e16,
    1e17,
    -(2 ** 53 - 1),
    -(2 ** 53),
  ];
  while (values.length < 50_000) {
    const kind = values.length % 5;
    let d: number;
    if (kind === 0) {
      // Any bit pattern: every exponent, denormals included.
      view.setUint32(0, Math.floor(next() * 2 ** 32));
      view.setUint32(4, Math.floor(next() * 2 ** 32));
      d = view.getFloat64(0);
    } else if (kind === 1) {
      d = (next() - 0.5) * Math.pow(10, Math.floor(next() * 60) - 30);
    } else if (kind === 4) {
      // Short binary fractions (1.5, 0.375, 2^-14...): numerators of 1 to 20 bits over 2^0..2^29,
      // so that many have a short exact value, some of them below 1e-4.
      const numerator = Math.floor(next() * 2 ** (1 + Math.floor(next() * 20)));
      d = (numerator / 2 ** Math.floor(next() * 30)) * (next() < 0.5 ? -1 : 1);
    } else if (kind === 3) {
      // Integers of 1 to 20 digits: scores are often whole numbers.
      d = Math.round((next() - 0.5) * Math.pow(10, 1 + Math.floor(next() * 20)));
    } else {
      // Quarters near 2^51..2^53: exact ties at the 17th significant digit.
      d = (Math.floor(next() * 2 ** 22) * 2 ** 29 + Math.floor(next() * 4) / 4) *
        (next() < 0.5 ? -1 : 1);
    }
    if (Number.isFinite(d) && d !== 0) values.push(d);
  }
  let out;
  try {
    out = await new Deno.Command("python3", {
      args: ["-c", "import sys\nfor l in sys.stdin: print('%.17g' % float(l))"],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  // Read while writing: Python answers line by line and would block on a full pipe.
  const output = out.output();
  const writer = out.stdin.getWriter();
  // String(v) is the shortest round-trip form, so Python parses the very same double.
  await writer.write(new TextEncoder().encode(values.map((v) => String(v)).join("\n") + "\n"));
  await writer.close();
  const lines = new TextDecoder().decode((await output).stdout).trim().split("\n");
  assertEquals(lines.length, values.length);
  for (let i = 0; i < values.length; i++) {
    assertEquals(formatDouble(values[i]), lines[i], String(values[i]));
  }
});

Deno.test("parseDouble: the plain-integer fast path agrees with the general parser", () => {
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const cases: string[] = [
    "0",
    "-0",
    "+0",
    "000",
    "-",
    "+",
    "007",
    "999999999999999",
    "1000000000000000",
  ];
  for (let i = 0; i < 3000; i++) {
    const sign = ["", "-", "+"][random(3)];
    let digits = "";
    const length = 1 + random(20);
    for (let d = 0; d < length; d++) digits += String(random(10));
    cases.push(sign + digits);
  }
  let compared = 0;
  for (const text of cases) {
    const fast = parseDouble(bytes(text));
    const general = parseDoubleText(text);
    assertTrue(Object.is(fast, general), `${text}: ${fast} vs ${general}`);
    compared++;
  }
  assertEquals(compared, 3009);
});
