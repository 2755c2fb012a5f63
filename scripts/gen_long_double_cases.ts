/**
 * Regenerates tests/unit/long_double_cases.json: random INCRBYFLOAT
 * operands (see tests/helpers/strings_random.ts) and the exact reply a real
 * redis-server gives for `SET k <a>` + `INCRBYFLOAT k <b>`, so the
 * long double emulation is checked against Redis even where redis-server
 * is not installed.
 *
 * Usage: deno run -A scripts/gen_long_double_cases.ts [count] [seed]
 *
 * @module
 */

import { startRedis } from "../tests/helpers/server.ts";
import { Prng, randomFloatText } from "../tests/helpers/strings_random.ts";
import { toValue } from "../tests/helpers/client.ts";

const count = Number(Deno.args[0] ?? 2000);
const seed = Number(Deno.args[1] ?? 20240601);
const rng = new Prng(seed);
const redis = await startRedis();
try {
  const client = await redis.client();
  const cases: [string, string, string][] = [];
  // Results near 1e4932 print ~5000 digits: keep a few, not hundreds, to keep the file small.
  let longResults = 0;
  while (cases.length < count) {
    const a = randomFloatText(rng);
    const b = randomFloatText(rng);
    await client.call("SET", "k", a);
    const reply = toValue(await client.call("INCRBYFLOAT", "k", b));
    // Errors are kept as their text ("ERR ..."), values as they are.
    const expected = reply instanceof Error ? reply.message : String(reply);
    if (expected.length > 200 && ++longResults > 20) continue;
    cases.push([a, b, expected]);
  }
  const path = new URL("../tests/unit/long_double_cases.json", import.meta.url);
  await Deno.writeTextFile(path, JSON.stringify({ seed, redis: "7.0", cases }) + "\n");
  // Checked-in files follow `deno fmt`.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", path.pathname] }).output();
  console.log(`wrote ${cases.length} cases`);
} finally {
  await redis.stop();
}
