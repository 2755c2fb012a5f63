/**
 * Geo commands against redis-server: every command and option byte for
 * byte in RESP2 and RESP3, errors, binary members, events, propagation
 * and dirty counters, and seeded random searches over a few hundred
 * places (edges included) with every unit, shape, order and option.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import type { Arg } from "../helpers/client.ts";
import { type Pair, withPair } from "../helpers/differential.ts";
import { BINARY_MEMBERS, Rng } from "../helpers/hashsets.ts";
import { withObservedPair } from "../helpers/observed_pair.ts";

const PLACES: [number, number, string][] = [
  [13.361389, 38.115556, "Palermo"],
  [15.087269, 37.502669, "Catania"],
  [2.349014, 48.864716, "Paris"],
  [-0.127758, 51.507351, "London"],
  [-73.935242, 40.73061, "NewYork"],
  [139.691706, 35.689487, "Tokyo"],
  [151.2093, -33.8688, "Sydney"],
  [-58.3816, -34.6037, "BuenosAires"],
  [0, 0, "Null Island"],
  [180, 85.05112878, "NE corner"],
  [-180, -85.05112878, "SW corner"],
  [-180, 85.05112878, "NW corner"],
  [180, -85.05112878, "SE corner"],
  [179.9999, 0.5, "dateline east"],
  [-179.9999, 0.5, "dateline west"],
];

async function addPlaces(p: Pair, key = "g"): Promise<void> {
  await p.same("GEOADD", key, ...PLACES.flatMap(([lon, lat, m]) => [lon, lat, m]));
}

Deno.test("geo: GEOADD options, replies and errors", async () => {
  let cases = 0;
  await withPair(async (p) => {
    const same = async (...args: Arg[]) => {
      cases++;
      await p.same(...args);
    };
    await addPlaces(p);
    await same("GEOADD", "g", 13.361389, 38.115556, "Palermo");
    await same("GEOADD", "g", "CH", 13.4, 38.1, "Palermo", 1, 1, "new");
    await same("GEOADD", "g", "NX", "ch", 13.5, 38.1, "Palermo", 2, 2, "new2");
    await same("GEOADD", "g", "xx", "CH", 13.5, 38.1, "Palermo", 3, 3, "absent");
    await same("GEOADD", "g", "xx", 13.6, 38.1, "Palermo");
    await same("GEOADD", "g", "NX", "XX", 1, 1, "x");
    await same("GEOADD", "g", "nx", "ch", "xx");
    await same("GEOADD", "g", "GT", 1, 1, "x");
    await same("GEOADD", "g", 1, 1, "x", 2);
    await same("GEOADD", "g", 1, 1);
    await same("GEOADD", "g", 181, 0, "x");
    await same("GEOADD", "g", -180.0000001, 0, "x");
    await same("GEOADD", "g", 0, 85.05112879, "x");
    await same("GEOADD", "g", 0, -85.06, "x");
    await same("GEOADD", "g", 1e300, -1e300, "x");
    await same("GEOADD", "g", "inf", 0, "x");
    await same("GEOADD", "g", 0, "-inf", "x");
    await same("GEOADD", "g", 0.0078125, 86, "x");
    await same("GEOADD", "g", "nan", 0, "x");
    await same("GEOADD", "g", "abc", 0, "x");
    await same("GEOADD", "g", 0, "1x", "x");
    await same("GEOADD", "g", 1, 1, "ok", 200, 0, "bad");
    await same("ZCARD", "g");
    await same("GEOADD", "g", 1, 1, "dup", 2, 2, "dup");
    await same("ZRANGE", "g", 0, -1, "WITHSCORES");
    await same("SET", "str", "v");
    await same("GEOADD", "str", 1, 1, "x");
    await same("GEOPOS", "str", "x");
    await same("GEODIST", "str", "a", "b");
    await same("GEOHASH", "str", "x");
    await same("GEOSEARCH", "str", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km");
    await same("GEORADIUS", "str", 0, 0, 1, "km");
    await same("GEORADIUSBYMEMBER", "str", "x", 1, "km");
    await same("GEOSEARCHSTORE", "d", "str", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km");
    for (const name of ["GEOADD", "GEOPOS", "GEODIST", "GEOHASH", "GEOSEARCH", "GEORADIUS"]) {
      await same(name);
      await same(name, "g");
    }
    await same("GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 0, 0, "BYRADIUS");
    await same("GEORADIUSBYMEMBER_RO", "g", "x", 1);
    await same("GEORADIUS_RO", "g", 0, 0, 1);
  });
  if (cases > 0) assertEquals(cases, 49);
});

Deno.test("geo: GEOPOS, GEODIST and GEOHASH in both protocols", async () => {
  let cases = 0;
  await withPair(async (p) => {
    await addPlaces(p);
    for (const m of BINARY_MEMBERS) await p.same("GEOADD", "g", 12.5, -45.25, m);
    await p.same("GEOADD", "g", 1, 2, "x".repeat(10000));
    const members = [...PLACES.map((pl) => pl[2]), ...BINARY_MEMBERS, "x".repeat(10000)];
    for (const proto of ["2", "3"]) {
      await p.both("HELLO", proto);
      cases++;
      await p.same("GEOPOS", "g", ...members, "missing", "");
      await p.same("GEOPOS", "nokey", "a", "b");
      await p.same("GEOHASH", "g", ...members, "missing");
      await p.same("GEOHASH", "nokey", "a");
      for (const a of members) {
        for (const unit of ["m", "KM", "ft", "Mi"]) {
          await p.same("GEODIST", "g", a, members[cases % members.length], unit);
          cases++;
        }
        await p.same("GEODIST", "g", a, "Tokyo");
      }
      await p.same("GEODIST", "g", "Palermo", "missing");
      await p.same("GEODIST", "nokey", "a", "b");
      await p.same("GEODIST", "g", "Palermo", "Catania", "yd");
      await p.same("GEODIST", "g", "Palermo", "Catania", "km", "extra");
      await p.same("GEODIST", "g", "Palermo", "Palermo");
      // Scores no GEOADD wrote decode as Redis's conversion to a 64-bit hash makes them.
      const odd = ["-5", "1e20", "0.7", "1e17", "18446744073709551615", "1e18", "5e15"];
      odd.push("-inf", "inf", "9.3e18", "4503599627370495.5", "-0", "-9.3e18");
      await p.same("ZADD", "odd", ...odd.flatMap((score, i) => [score, `s${i}`]));
      const names = odd.map((_, i) => `s${i}`);
      await p.same("GEOPOS", "odd", ...names);
      await p.same("GEOHASH", "odd", ...names);
      await p.same("GEODIST", "odd", "s0", "s1", "km");
      await p.same("GEOSEARCH", "odd", "FROMMEMBER", "s2", "BYRADIUS", 30000, "km", "WITHHASH");
      await p.same("GEOSEARCH", "odd", "FROMMEMBER", "s6", "BYBOX", 1, 1, "km", "WITHCOORD");
      await p.same("GEORADIUSBYMEMBER", "odd", "s4", 100, "km", "WITHDIST");
    }
  });
  if (cases > 0) assertEquals(cases, 2 + 2 * 22 * 4);
});

Deno.test("geo: search options and errors", async () => {
  let cases = 0;
  await withPair(async (p) => {
    await addPlaces(p);
    const same = async (...args: Arg[]) => {
      cases++;
      await p.same(...args);
    };
    const searches: Arg[][] = [
      ["GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", 500, "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYBOX", 400, 400, "km", "DESC"],
      ["GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "KM", "COUNT", 1],
      ["GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 20000, "km", "COUNT", 3, "ANY"],
      ["GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 20000, "km", "COUNT", 3, "DESC"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 0, "m", "WITHCOORD", "WITHHASH"],
      ["GEOSEARCH", "g", "BYRADIUS", 1, "mi", "FROMMEMBER", "Paris", "WITHDIST"],
      ["GEOSEARCH", "g", "FROMMEMBER", "missing", "BYRADIUS", 1, "km"],
      ["GEOSEARCH", "nokey", "FROMMEMBER", "missing", "BYRADIUS", 1, "km"],
      ["GEOSEARCH", "g", "FROMMEMBER", "Paris", "FROMLONLAT", 1, 1, "BYRADIUS", 1, "km"],
      ["GEOSEARCH", "g", "FROMMEMBER", "Paris", "BYRADIUS", 1, "km", "BYBOX", 1, 1, "km"],
      ["GEOSEARCH", "g", "FROMMEMBER", "Paris", "COUNT", 1],
      ["GEOSEARCH", "g", "BYRADIUS", 1, "km", "COUNT", 1],
      ["GEOSEARCH", "nokey", "BYRADIUS", 1, "km", "COUNT", 1],
      ["geosearch", "g", "BYRADIUS", 1, "km", "WITHDIST"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "ANY"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT", 0],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT", -1],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT", "x"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "COUNT"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "STORE", "x"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "km", "STOREDIST"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", -1, "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", "x", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYRADIUS", 1, "yd"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", "x", 1, "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, "y", "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, -1, "km"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "parsec"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1],
      ["GEOSEARCH", "g", "FROMLONLAT", 200, 0, "BYBOX", 1, 1, "m"],
      ["GEOSEARCH", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "m", "bogus"],
      ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "m", "WITHDIST"],
      ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "m", "STORE", "x"],
      ["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", 15, 37, "BYBOX", 900, 900, "km", "STOREDIST"],
      ["GEOSEARCHSTORE", "d", "nokey", "FROMLONLAT", 15, 37, "BYBOX", 900, 900, "km"],
      ["GEOSEARCHSTORE", "d", "nokey", "BYBOX", 900, 900, "km"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "STORE", "d", "WITHDIST"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "STORE", "d", "STOREDIST", "d2"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "STORE"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "FROMMEMBER", "Paris"],
      ["GEORADIUS", "g", 200, 37, 200, "km"],
      ["GEORADIUS", "g", 15, 37, -200, "km"],
      ["GEORADIUS", "g", 15, 37, 200, "au"],
      ["GEORADIUS_RO", "g", 15, 37, 200, "km", "STORE", "d"],
      ["GEORADIUS_RO", "g", 15, 37, 2000, "km", "COUNT", 2, "ANY", "WITHDIST"],
      ["GEORADIUSBYMEMBER", "g", "Paris", 500, "km", "WITHDIST", "COUNT", 2],
      ["GEORADIUSBYMEMBER", "g", "missing", -1, "km"],
      ["GEORADIUSBYMEMBER", "g", "Paris", -1, "km"],
      ["GEORADIUSBYMEMBER", "nokey", "Paris", -1, "parsec", "WITHDIST"],
      ["GEORADIUSBYMEMBER", "nokey", "Paris", -1, "parsec", "STORE", "d"],
      ["GEORADIUSBYMEMBER", "g", "Paris", 1000, "km", "STOREDIST", "d"],
      ["GEORADIUSBYMEMBER_RO", "g", "Paris", 1000, "km", "STOREDIST", "d"],
      ["GEORADIUSBYMEMBER_RO", "g", "Paris", 1000, "km", "desc", "withcoord"],
    ];
    for (const proto of ["2", "3"]) {
      await p.both("HELLO", proto);
      for (const args of searches) {
        await same(...args);
        await same("ZRANGE", "d", 0, -1, "WITHSCORES");
        await same("ZRANGE", "d2", 0, -1, "WITHSCORES");
      }
    }
    // Every command looked its source key up once, for reading, as Redis does.
    const stats = async (c: typeof p.rift) => {
      const info = String(await c.value("INFO", "stats"));
      return ["keyspace_hits", "keyspace_misses"].map((f) => info.match(new RegExp(`${f}:\\d+`)));
    };
    const [riftStats, redisStats] = [String(await stats(p.rift)), String(await stats(p.redis))];
    assertTrue(/keyspace_hits:[1-9]/.test(riftStats), riftStats);
    assertEquals(riftStats, redisStats);
  });
  if (cases > 0) assertEquals(cases, 2 * 3 * 55);
});

Deno.test("geo: events, propagation and dirty counters", async () => {
  let cases = 0;
  await withObservedPair(async (p) => {
    const steps: Arg[][] = [
      ["GEOADD", "g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"],
      ["GEOADD", "g", "ch", "nx", 13.361389, 38.115556, "Palermo", 1, 1, "a\x00b"],
      ["GEOADD", "g", "XX", "CH", 13.4, 38.2, "Palermo", 1, 1, "absent"],
      ["GEOADD", "g", 13.4, 38.2, "Palermo"],
      ["GEOADD", "g", 180, 85.05112878, "edge", -180, -85.05112878, "\r\n"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "STORE", "d"],
      ["GEORADIUS", "g", 15, 37, 200, "km", "STOREDIST", "d"],
      ["GEORADIUS", "g", 15, 37, 200, "km"],
      ["GEORADIUSBYMEMBER", "g", "Palermo", 500, "km", "STORE", "d2", "COUNT", 1],
      ["GEOSEARCHSTORE", "d3", "g", "FROMMEMBER", "Catania", "BYBOX", 900, 900, "km"],
      ["GEOSEARCHSTORE", "d3", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "km"],
      ["GEOSEARCHSTORE", "d3", "g", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "km"],
      ["GEOSEARCHSTORE", "d2", "missing", "FROMLONLAT", 0, 0, "BYBOX", 1, 1, "km"],
      ["GEORADIUS", "missing", 15, 37, 200, "km", "STORE", "d"],
      ["GEOSEARCH", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km"],
      ["SET", "str", "x"],
      ["GEOSEARCHSTORE", "str", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km"],
      ["GEOSEARCHSTORE", "str", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "STOREDIST"],
    ];
    for (const args of steps) {
      await p.same(...args);
      const [a, b] = await p.changes();
      assertEquals(a, b, `dirty after ${args.join(" ")}`);
      cases++;
    }
    for (
      const args of [
        // An absolute expiry, so that what both servers propagate does not depend on their clocks.
        ["SET", "ttl", "x", "PXAT", 4102444800000],
        ["GEOSEARCHSTORE", "ttl", "g", "FROMMEMBER", "Palermo", "BYRADIUS", 100, "km"],
        ["PEXPIRETIME", "ttl"],
        ["GEOSEARCHSTORE", "g", "g", "FROMMEMBER", "Palermo", "BYRADIUS", 400, "km", "STOREDIST"],
        ["ZRANGE", "g", 0, -1],
        ["MULTI"],
        ["GEOADD", "m", 1, 2, "a"],
        ["GEORADIUS", "m", 1, 2, 10, "km", "STORE", "m2"],
        ["EXEC"],
      ]
    ) {
      await p.same(...args);
      cases++;
    }
    await p.same("ZRANGE", "d2", 0, -1, "WITHSCORES");
    await p.same("ZRANGE", "str", 0, -1, "WITHSCORES");
    assertEquals(p.riftEncoding("str"), await p.redisEncoding("str"));
  });
  if (cases > 0) assertEquals(cases, 27);
});

/** A random place, with a good share of edges and repeats. */
function randomPlace(rng: Rng, taken: [number, number][]): [number, number] {
  const edgeLon = [-180, 180, 0, -179.99999, 179.99999];
  const edgeLat = [-85.05112878, 85.05112878, 0, 84.9, -84.9, 66.5, -80.5];
  const r = rng.next();
  if (r < 0.1 && taken.length > 0) return rng.pick(taken);
  if (r < 0.25) return [rng.pick(edgeLon), rng.pick(edgeLat)];
  if (r < 0.55) {
    // Clusters, so small searches find something.
    const [lon, lat] = rng.pick([[13.36, 38.11], [-0.12, 51.5], [0, 0], [179.9, -10], [0, 84]]);
    const spread = rng.pick([0.0001, 0.01, 1]);
    return [
      Math.max(-180, Math.min(180, lon + (rng.next() - 0.5) * spread)),
      Math.max(-85, Math.min(85, lat + (rng.next() - 0.5) * spread)),
    ];
  }
  return [rng.next() * 360 - 180, rng.next() * 170.1 - 85.05];
}

function randomSize(rng: Rng): number {
  const size = rng.pick([0, 0.5, 10, 1000, 50000, 500000, 3000000, 20000000, 50000000]);
  return rng.chance(0.2) ? size : Math.round(size * rng.next() * 100) / 100;
}

/**
 * Compares a STOREDIST result: same members in the same order, distances
 * equal to 14 significant digits. The last bits of a distance depend on
 * the C library's sin/cos/asin, which are not always correctly rounded
 * (glibc is off by an ulp in about one call in a thousand, where V8's
 * Math functions are right), so the 17-digit scores may differ there.
 */
async function sameDistances(p: Pair, key: string): Promise<void> {
  const [x, y] = await p.both("ZRANGE", key, 0, -1, "WITHSCORES");
  const a = x.split("\r\n");
  const b = y.split("\r\n");
  assertEquals(a.length, b.length, "STOREDIST result shape");
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || (a[i].startsWith("$") && b[i].startsWith("$"))) continue;
    const u = Number(a[i].replace(/^,/, ""));
    const v = Number(b[i].replace(/^,/, ""));
    assertTrue(Math.abs(u - v) <= Math.abs(v) * 1e-14, `distance ${a[i]} vs ${b[i]}`);
  }
}

Deno.test("geo: random searches match redis-server", async () => {
  const rng = new Rng(20261126);
  let cases = 0;
  await withPair(async (p) => {
    // A skiplist-encoded set, then a listpack-encoded one.
    for (const [key, size, queries] of [["g", 300, 800], ["small", 40, 400]] as const) {
      const taken: [number, number][] = [];
      const members: string[] = [];
      for (let i = 0; i < size; i++) {
        const [lon, lat] = randomPlace(rng, taken);
        taken.push([lon, lat]);
        const member = rng.chance(0.05) ? rng.pick(BINARY_MEMBERS) + i : `m${i}`;
        members.push(member);
        await p.same("GEOADD", key, lon, lat, member);
      }
      await p.same("ZRANGE", key, 0, -1, "WITHSCORES");
      await p.same("OBJECT", "ENCODING", key);
      for (let i = 0; i < queries; i++) {
        if (i % 100 === 0) await p.both("HELLO", rng.pick(["2", "3"]));
        const unit = rng.pick(["m", "km", "ft", "mi", "M", "KM", "FT", "MI"]);
        const scale = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 }[unit.toLowerCase()]!;
        const [lon, lat] = rng.chance(0.8) ? randomPlace(rng, taken) : [0, 0];
        const memberCentre = rng.chance(0.3) ? rng.pick(members) : null;
        const width = String(randomSize(rng) / scale);
        const height = String(randomSize(rng) / scale);
        const opts: Arg[] = [];
        if (rng.chance(0.5)) opts.push(rng.pick(["ASC", "DESC"]));
        if (rng.chance(0.4)) {
          opts.push("COUNT", rng.pick([1, 2, 5, 50, 1000]));
          if (rng.chance(0.4)) opts.push("ANY");
        }
        const store = rng.chance(0.2);
        if (!store) {
          for (const w of ["WITHCOORD", "WITHDIST", "WITHHASH"]) if (rng.chance(0.4)) opts.push(w);
        }
        const form = rng.int(3);
        let args: Arg[];
        if (form === 0) {
          const from: Arg[] = memberCentre === null
            ? ["FROMLONLAT", lon, lat]
            : ["FROMMEMBER", memberCentre];
          const by: Arg[] = rng.chance(0.5)
            ? ["BYRADIUS", width, unit]
            : ["BYBOX", width, height, unit];
          args = store
            ? ["GEOSEARCHSTORE", "dst", key, ...from, ...by, ...opts]
            : ["GEOSEARCH", key, ...from, ...by, ...opts];
          if (store && rng.chance(0.5)) args.push("STOREDIST");
        } else {
          const head: Arg[] = memberCentre === null
            ? ["GEORADIUS", key, lon, lat, width, unit]
            : ["GEORADIUSBYMEMBER", key, memberCentre, width, unit];
          if (!store && rng.chance(0.5)) head[0] = head[0] + "_RO";
          args = [...head, ...opts];
          if (store) args.push(rng.pick(["STORE", "STOREDIST"]), "dst");
        }
        await p.same(...args);
        if (store && args.some((a) => String(a).toUpperCase() === "STOREDIST")) {
          await sameDistances(p, "dst");
        } else if (store) {
          await p.same("ZRANGE", "dst", 0, -1, "WITHSCORES");
        }
        cases++;
      }
      const reply = await p.same("GEOSEARCH", key, "FROMLONLAT", 0, 0, "BYRADIUS", 50000, "km");
      // Places on the upper latitude or longitude edge have scores of 2^52 and above, outside
      // every cell a search scans: Redis never finds them, and neither does Rift.
      const edge = await p.same("ZCOUNT", key, 2 ** 52, "+inf");
      assertEquals(reply.slice(0, reply.indexOf("\r\n")), `*${size - Number(edge.slice(1, -2))}`);
    }
  });
  if (cases > 0) assertEquals(cases, 1200);
});
