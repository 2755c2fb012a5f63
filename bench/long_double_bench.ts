/**
 * Cost of the exact long double arithmetic behind INCRBYFLOAT: parsing,
 * adding and printing typical counter values, and an extreme exponent.
 */

import {
  addLongDouble,
  addLongDoubleStrings,
  formatLongDoubleHuman,
  parseLongDoubleText,
} from "../src/util/long_double.ts";

const a = parseLongDoubleText("10.5")!;
const b = parseLongDoubleText("0.1")!;
const sum = addLongDouble(a, b);

Deno.bench("long double: INCRBYFLOAT 10.5 + 0.1 (parse, add, format)", () => {
  addLongDoubleStrings("10.5", "0.1");
});

Deno.bench("long double: parse 3.14159265358979", () => {
  parseLongDoubleText("3.14159265358979");
});

Deno.bench("long double: add", () => {
  addLongDouble(a, b);
});

Deno.bench("long double: format %.17Lf", () => {
  formatLongDoubleHuman(sum);
});

Deno.bench("long double: 1e4000 + 1e-4000", () => {
  addLongDoubleStrings("1e4000", "1e-4000");
});
