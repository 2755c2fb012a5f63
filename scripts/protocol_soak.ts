/**
 * The long version of the protocol robustness test: many seeded random
 * request streams (valid RESP and inline commands mixed with malformed
 * frames, huge announced lengths, stray bytes, truncated commands, cut at
 * random points) sent on fresh connections to Rift and to redis-server;
 * everything each server sends back until it closes must be identical, the
 * datasets must match every 100 streams, and Rift must end with its
 * baseline of connected clients.
 *
 *   deno run -A scripts/protocol_soak.ts [--streams 20000] [--seed 1]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { leaveAwkwardly, rawSession, StreamFuzzer } from "../tests/helpers/protocol_fuzz.ts";
import { redisDataset } from "../tests/helpers/persistence.ts";
import { startRedis, startRift } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    streams: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
  },
});

const rift = await startRift();
const redis = await startRedis();
const riftControl = await rift.client();
const redisControl = await redis.client();
const clients = async () => {
  const info = String(await riftControl.value("INFO", "clients"));
  return Number(/^connected_clients:(\d+)\r$/m.exec(info)![1]);
};
const baseline = await clients();
for (const c of [riftControl, redisControl]) {
  await c.call("RPUSH", "leave:big", "x".repeat(500_000), "y".repeat(500_000));
}
let departures = 0;
const fuzzer = new StreamFuzzer(Number(values.seed));
const total = Number(values.streams);
let differences = 0;
let bytesCompared = 0;
try {
  for (let i = 1; i <= total; i++) {
    const chunks = fuzzer.stream();
    const [x, y] = await Promise.all([
      rawSession(rift.port, chunks),
      rawSession(redis.port, chunks),
    ]);
    bytesCompared += y.length;
    // Redis drops what it has not sent within 64 KB once the client half-closes.
    if (x !== y && !(y.length >= 64 * 1024 && x.startsWith(y))) {
      differences++;
      let input = "";
      for (const c of chunks) for (const b of c) input += String.fromCharCode(b);
      console.log(`stream ${i} differs\n  input: ${JSON.stringify(input.slice(0, 400))}`);
      console.log(
        `  rift:  ${JSON.stringify(x.slice(0, 400))}\n  redis: ${JSON.stringify(y.slice(0, 400))}`,
      );
      if (differences >= 20) break;
    }
    if (i % 20 === 0) {
      const pick = fuzzer.rng.int(5);
      await Promise.all([
        leaveAwkwardly(rift.port, pick, "leave:big"),
        leaveAwkwardly(redis.port, pick, "leave:big"),
      ]);
      departures++;
    }
    if (i % 100 === 0) {
      const [a, b] = await Promise.all([
        redisDataset(riftControl, 1),
        redisDataset(redisControl, 1),
      ]);
      const canonical = (d: Record<string, unknown>) =>
        JSON.stringify(Object.keys(d).sort().map((k) => [k, d[k]]));
      if (canonical(a) !== canonical(b)) {
        console.log(`datasets differ after stream ${i}`);
        for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
          const [u, v] = [JSON.stringify(a[key]), JSON.stringify(b[key])];
          if (u !== v) {
            console.log(
              `  ${JSON.stringify(key)}\n    rift:  ${u?.slice(0, 300)}\n    redis: ${
                v?.slice(0, 300)
              }`,
            );
          }
        }
        differences++;
        break;
      }
    }
    if (i % 2000 === 0) console.log(`${i} streams, ${bytesCompared} reply bytes compared`);
  }
  for (let i = 0; i < 200 && await clients() !== baseline; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  // Nothing a departed client left unfinished ran, and nothing of it stayed.
  const leftovers = await Promise.all([riftControl, redisControl].map(async (c) =>
    [
      await c.raw("EXISTS", "half", "leave:after-block", "leave:in-multi"),
      await c.raw("PUBSUB", "NUMSUB", "leave:ch1"),
      await c.raw("PUBSUB", "NUMPAT"),
      /^blocked_clients:(\d+)/m.exec(String(await c.value("INFO", "clients")))![1],
    ].join(" ")
  ));
  if (leftovers[0] !== leftovers[1]) {
    console.log(`left behind: rift ${leftovers[0]} vs redis ${leftovers[1]}`);
    differences++;
  }
  const left = await clients();
  if (left !== baseline) {
    console.log(`connected_clients ${left}, baseline ${baseline}`);
    differences++;
  }
} finally {
  await redis.stop();
  await rift.stop();
}
console.log(
  `${total} streams, ${departures} awkward departures, ${bytesCompared} reply bytes compared, ` +
    `${differences} differences`,
);
if (differences > 0) Deno.exit(1);
