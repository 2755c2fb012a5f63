/**
 * Regenerates tests/unit/strtod_cases.json: random weight texts and what a
 * real redis-server 7.0 makes of them, so the strtod emulation behind SORT
 * is checked against Redis even where redis-server is not installed.
 *
 * Each case records `[text, accepted, score]`:
 * - `accepted`: whether `SORT` takes the text as a numeric weight
 *   (`RPUSH k <text>` + `SORT k`: no "can't be converted" error);
 * - `score`: the double strtod reads from it, as `ZSCORE` prints it
 *   (`ZADD` parses with strtod too, given the text without its leading
 *   white space and without what follows a NUL, which strtod ignores), or
 *   null when ZADD rejects that text.
 *
 * Redis 7.0's SORT does not clear `errno` before strtod, so one ERANGE
 * would leak into the next SORT: every case ends with a ZADD of score 1 to
 * a set holding only that score, whose parser clears it.
 *
 * Usage: deno run -A scripts/gen_strtod_cases.ts [count] [seed]
 *
 * @module
 */

import { startRedis } from "../tests/helpers/server.ts";
import { Prng } from "../tests/helpers/strings_random.ts";
import { toValue } from "../tests/helpers/client.ts";

const count = Number(Deno.args[0] ?? 3000);
const seed = Number(Deno.args[1] ?? 20240711);
const rng = new Prng(seed);

const SPACES = [" ", "\t", "\n", "\v", "\f", "\r"];
const GARBAGE = [" ", "x", "e", "e+", "p", ".", "_", "\u00a0", "\u00ff", "-", "0x"];

/** Texts around every limit of a double and every branch of the grammar. */
const SPECIALS = [
  "",
  " ",
  "\0",
  "\u00001",
  "1\u0000x",
  "nan",
  "-nan",
  "nan(12)",
  "NAN",
  "inf",
  "-inf",
  "+INF",
  "infinity",
  "Infinity",
  "infinit",
  "infx",
  "in",
  "0x",
  "0x.",
  "0x.p1",
  "0x1p",
  "0x1p+",
  "0X1P4",
  "0x.8",
  "0xg",
  ".",
  "+",
  "-",
  "+.5",
  "-.e1",
  "5.",
  "1e",
  "1e+",
  "1e0x",
  "00012",
  "1_0",
  "1,5",
  "1e309",
  "-1e309",
  "1e308",
  "1.7976931348623157e308",
  "1.7976931348623158e308",
  "1.7976931348623159e308",
  "0x1.fffffffffffffp1023",
  "0x1.fffffffffffff7p1023",
  "0x1.fffffffffffff8p1023",
  "2.2250738585072014e-308",
  "2.2250738585072013e-308",
  "2.2250738585072012e-308",
  "2.2250738585072011e-308",
  "2.225073858507201136057409796709131975934819546351645648e-308",
  "2.225073858507201136057409796709131975934819546351645649e-308",
  "2.2250738585072011360574097967091319759348195463516456480e-308",
  "0x1p-1022",
  "0x1.fffffffffffffp-1023",
  "0x1.fffffffffffff8p-1023",
  "0x1.fffffffffffff7p-1023",
  "0x0.fffffffffffffp-1022",
  "0x1p-1074",
  "0x1p-1075",
  "0x1.0000000000001p-1075",
  "0x1.8p-1074",
  "0x3p-1075",
  "4.9406564584124654e-324",
  "4.9406564584124654417656879286822137236505980e-324",
  "2.4703282292062327e-324",
  "2.4703282292062328e-324",
  "1e-310",
  "1e-400",
  "0e-999",
  "0e99999999999999999999",
  "1e99999999999999999999",
  "1e-99999999999999999999",
  "0.000000000000000000000000000000000000000000000000000000000e999999",
  "9007199254740993",
  "18446744073709551617",
  "-0",
  "0x0p99999",
];

function randomCore(): string {
  const sign = rng.chance(0.3) ? "-" : rng.chance(0.05) ? "+" : "";
  switch (rng.int(10)) {
    case 0:
      return sign + rng.digits(rng.range(1, 6)) + "." + rng.digits(rng.int(8));
    case 1:
      return sign + rng.digits(rng.range(1, 25)) + "e" + (rng.chance(0.5) ? "-" : "") +
        rng.int(400);
    case 2: // around the subnormal range
      return sign + rng.range(1, 9) + "." + rng.digits(rng.int(20)) + "e-" + rng.range(305, 330);
    case 3: // hex, around the subnormal and overflow limits
      return sign + "0x" + rng.int(16).toString(16) + "." +
        rng.int(2 ** 30).toString(16) + rng.int(2 ** 30).toString(16) + "p" +
        rng.pick(["-", ""]) + rng.pick([rng.range(1015, 1080), rng.range(1015, 1030), rng.int(64)]);
    case 4:
      return sign + "0." + "0".repeat(rng.int(30)) + rng.digits(rng.range(1, 5));
    case 5:
      return sign + String(2n ** BigInt(rng.int(70)) + BigInt(rng.int(3) - 1));
    case 6:
      return sign + rng.digits(rng.range(1, 3)) + "." + rng.digits(rng.int(4)) + "E" +
        rng.pick(["+", "-", ""]) + rng.int(30);
    case 7:
      return sign + rng.range(1, 9) + rng.digits(rng.range(300, 340)) + "e-" + rng.range(600, 700);
    default:
      return sign + rng.digits(rng.range(1, 8));
  }
}

function randomText(): string {
  if (rng.chance(0.15)) return rng.pick(SPECIALS);
  let text = randomCore();
  if (rng.chance(0.15)) text = rng.pick(SPACES) + (rng.chance(0.3) ? rng.pick(SPACES) : "") + text;
  if (rng.chance(0.1)) text += rng.pick(GARBAGE);
  if (rng.chance(0.08)) text += "\0" + rng.pick(GARBAGE);
  return text;
}

/** What strtod reads: white space skipped, stopping at the first NUL. */
function strtodCore(text: string): string {
  const nul = text.indexOf("\0");
  return (nul < 0 ? text : text.slice(0, nul)).replace(/^[ \t\n\v\f\r]+/, "");
}

const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

const redis = await startRedis();
try {
  const client = await redis.client();
  const cases: [string, boolean, string | null][] = [];
  for (const special of SPECIALS) cases.push([special, false, null]);
  while (cases.length < count) cases.push([randomText(), false, null]);
  for (const entry of cases) {
    const text = entry[0];
    await client.call("DEL", "k", "z");
    await client.call("RPUSH", "k", bytes(text));
    entry[1] = !(toValue(await client.call("SORT", "k")) instanceof Error);
    // ZADD both reads the value and clears errno for the next case.
    const added = toValue(await client.call("ZADD", "z", bytes(strtodCore(text)), "m"));
    entry[2] = added instanceof Error
      ? null
      : String(toValue(await client.call("ZSCORE", "z", "m")));
    // A set of its own: re-reading a stored tiny score would raise ERANGE again.
    await client.call("ZADD", "errno-reset", "1", "m");
  }
  const path = new URL("../tests/unit/strtod_cases.json", import.meta.url);
  await Deno.writeTextFile(path, JSON.stringify({ seed, redis: "7.0", cases }) + "\n");
  await new Deno.Command(Deno.execPath(), { args: ["fmt", path.pathname] }).output();
  console.log(`wrote ${cases.length} cases`);
} finally {
  await redis.stop();
}
