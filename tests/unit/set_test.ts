import { assertEquals, assertTrue } from "../helpers/assert.ts";
import {
  compareInt64Text,
  FEW_MAX,
  isInt64Text,
  setLimitsFrom,
  SetValue,
} from "../../src/store/set.ts";
import { Config } from "../../src/config/config.ts";
import { EDGE_INTEGERS, NEAR_INTEGERS, randomMember, Rng } from "../helpers/hashsets.ts";
import { latin1Bytes } from "../../src/util/bytes.ts";

const LIMITS = { maxIntsetEntries: 512 };

function numericSort(members: string[]): string[] {
  return [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

Deno.test("isInt64Text accepts exactly Redis's canonical int64 texts", () => {
  for (const s of EDGE_INTEGERS) assertTrue(isInt64Text(s), s);
  for (const s of NEAR_INTEGERS) assertEquals(isInt64Text(s), false, JSON.stringify(s));
  for (
    const s of [
      "-",
      "a",
      "1a",
      "12345678901234567890",
      "-12345678901234567890",
      "99999999999999999999",
      "\x001",
      "1\x00",
      "٣",
    ]
  ) {
    assertEquals(isInt64Text(s), false, JSON.stringify(s));
  }
  for (const s of ["9223372036854775806", "-9223372036854775807", "1000000000000000000"]) {
    assertTrue(isInt64Text(s), s);
  }
});

Deno.test("isInt64Text agrees with a BigInt reference on random digit strings", () => {
  const rng = new Rng(11);
  let cases = 0;
  for (let i = 0; i < 5000; i++) {
    const length = rng.range(1, 21);
    let s = rng.chance(0.3) ? "-" : "";
    for (let j = 0; j < length; j++) s += String(rng.int(10));
    const canonical = /^(0|-?[1-9]\d*)$/.test(s);
    const expected = canonical && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
    assertEquals(isInt64Text(s), expected, s);
    cases++;
  }
  assertEquals(cases, 5000);
});

Deno.test("compareInt64Text orders like the numbers, over random pairs", () => {
  const rng = new Rng(12);
  const pool = [...EDGE_INTEGERS, "-10", "-9", "9", "10", "-100", "100"];
  let cases = 0;
  for (let i = 0; i < 5000; i++) {
    const gen = () =>
      rng.chance(0.3)
        ? rng.pick(pool)
        : String(BigInt(rng.range(-1e9, 1e9)) * BigInt(rng.range(1, 1e9)));
    const a = gen();
    const b = gen();
    const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    assertEquals(Math.sign(compareInt64Text(a, b)), expected, `${a} vs ${b}`);
    cases++;
  }
  assertEquals(cases, 5000);
});

Deno.test("SetValue encodings: created for the first member, intset sorted, converts once", () => {
  assertEquals(SetValue.forFirstMember("12").encoding(), "intset");
  assertEquals(SetValue.forFirstMember("x").encoding(), "hashtable");
  assertEquals(SetValue.forFirstMember("01").encoding(), "hashtable");
  assertEquals(SetValue.empty().encoding(), "intset");

  const s = SetValue.empty();
  for (const m of ["5", "-3", "9223372036854775807", "0", "-9223372036854775808", "5"]) {
    s.add(m, LIMITS);
  }
  assertEquals(s.size, 5);
  assertEquals([...s.members()], ["-9223372036854775808", "-3", "0", "5", "9223372036854775807"]);
  assertEquals(s.has("-0"), false);
  assertEquals(s.has("05"), false);
  assertEquals(s.has("5"), true);
  assertEquals(s.remove("x"), false);

  s.add("x", LIMITS);
  assertEquals(s.encoding(), "hashtable");
  s.remove("x");
  assertEquals(s.encoding(), "hashtable", "never converts back");
  assertEquals(s.size, 5);

  const t = SetValue.empty();
  const small = { maxIntsetEntries: 3 };
  for (const m of ["1", "2", "3"]) t.add(m, small);
  assertEquals(t.encoding(), "intset");
  t.add("3", small);
  assertEquals(t.encoding(), "intset", "a duplicate does not grow it");
  t.add("4", small);
  assertEquals(t.encoding(), "hashtable");

  const zero = SetValue.forFirstMember("1");
  zero.add("1", { maxIntsetEntries: 0 });
  assertEquals(zero.encoding(), "hashtable");
});

Deno.test("SetValue.fromMembers picks the encoding Redis picks on load", () => {
  const ints = SetValue.fromMembers(["3", "1", "2", "1"], LIMITS);
  assertEquals(ints.encoding(), "intset");
  assertEquals([...ints.members()], ["1", "2", "3"]);
  assertEquals(SetValue.fromMembers(["1", "a"], LIMITS).encoding(), "hashtable");
  assertEquals(
    SetValue.fromMembers(["1", "2", "3"], { maxIntsetEntries: 2 }).encoding(),
    "hashtable",
  );
  const mixed = SetValue.fromMembers(["b", "a", "b"], LIMITS);
  assertEquals(mixed.size, 2);
  assertEquals(SetValue.fromMembers([], LIMITS).size, 0);
});

Deno.test("SetValue matches a JS Set model under random operations (property)", () => {
  let cases = 0;
  let conversions = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const rng = new Rng(seed);
    const limits = { maxIntsetEntries: rng.pick([0, 4, 16, 512]) };
    // Half the runs use integers only, so some sets stay intsets throughout.
    const intsOnly = seed % 2 === 0;
    const model = new Set<string>();
    let set: SetValue | null = null;
    let mustBeTable = false;
    for (let step = 0; step < 300; step++) {
      const m = intsOnly
        ? (rng.chance(0.9) ? String(rng.range(-30, 60)) : rng.pick(EDGE_INTEGERS))
        : randomMember(rng);
      if (rng.chance(0.6)) {
        if (set === null) {
          set = SetValue.forFirstMember(m);
          mustBeTable = !isInt64Text(m);
        }
        // Half the adds come as bytes, as SADD's arguments do.
        const added: boolean = rng.chance(0.5)
          ? set.add(m, limits)
          : set.addBytes(latin1Bytes(m), limits);
        assertEquals(added, !model.has(m));
        model.add(m);
        if (!isInt64Text(m) || model.size > limits.maxIntsetEntries) mustBeTable = true;
      } else if (set !== null) {
        assertEquals(set.remove(m), model.delete(m));
      }
      if (set === null) continue;
      assertEquals(set.size, model.size);
      assertEquals(set.has(m), model.has(m));
      assertEquals(set.hasBytes(latin1Bytes(m)), model.has(m));
      assertEquals(set.encoding(), mustBeTable ? "hashtable" : "intset");
      if (set.isIntset) assertEquals([...set.members()], numericSort([...model]));
      cases++;
    }
    if (mustBeTable) conversions++;
    assertEquals(new Set(set!.members()), model);
  }
  assertEquals(cases > 15000, true, `cases ${cases}`);
  assertTrue(conversions > 10 && conversions < 60, `conversions ${conversions}`);
});

Deno.test("SetValue scan returns an intset whole and keeps SCAN's guarantee on tables", () => {
  const ints = SetValue.fromMembers(["2", "1"], LIMITS);
  const seen: string[] = [];
  assertEquals(ints.scan(12345, 1, (m) => seen.push(m)), 0);
  assertEquals(seen, ["1", "2"]);

  let runs = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Rng(100 + seed);
    const set = SetValue.forFirstMember("x");
    for (let i = 0; i < 2000; i++) set.add("k" + i, LIMITS);
    const stable = new Set<string>();
    for (let i = 0; i < 1000; i++) stable.add("k" + i);
    const returned = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = set.scan(cursor, rng.range(1, 50), (m) => returned.add(m));
      // Churn that resizes the table both ways, never touching the stable half.
      const grow = rng.chance(0.5);
      for (let i = 0; i < 200; i++) {
        const k = "t" + rng.int(5000);
        if (grow) set.add(k, LIMITS);
        else set.remove(k);
      }
      for (let i = 1000; i < 2000; i++) if (rng.chance(0.05)) set.remove("k" + i);
      calls++;
    } while (cursor !== 0 && calls < 100000);
    for (const k of stable) assertTrue(returned.has(k), `seed ${seed}: ${k} missed`);
    runs++;
  }
  assertEquals(runs, 20);
});

Deno.test("SetValue small tables keep insertion order into and out of the array form", () => {
  const set = SetValue.forFirstMember("m0");
  const model: string[] = [];
  for (let i = 0; i < FEW_MAX; i++) {
    set.add("m" + i, LIMITS);
    model.push("m" + i);
  }
  assertEquals(set.remove("m3"), true);
  model.splice(3, 1);
  assertEquals(set.addBytes(latin1Bytes("\x00\r\n\xff"), LIMITS), true);
  model.push("\x00\r\n\xff");
  assertEquals([...set.members()], model);
  // The member past FEW_MAX makes the table; order and lookups carry over.
  assertEquals(set.add("last", LIMITS), true);
  model.push("last");
  assertEquals(set.size, FEW_MAX + 1);
  assertEquals([...set.members()], model);
  assertEquals(set.hasBytes(latin1Bytes("\x00\r\n\xff")), true);
  assertEquals(set.add("m5", LIMITS), false);
  assertEquals(set.encoding(), "hashtable");
  // An intset leaves for the array form, or straight for a table when a size was announced.
  const ints = SetValue.empty();
  for (const m of ["3", "1", "2"]) ints.add(m, LIMITS);
  ints.add("x", LIMITS);
  assertEquals([...ints.members()], ["1", "2", "3", "x"]);
  const hinted = SetValue.empty(100);
  hinted.add("1", LIMITS);
  hinted.add("y", LIMITS);
  for (let i = 0; i < 50; i++) hinted.add("h" + i, LIMITS);
  assertEquals(hinted.size, 52);
  assertEquals([...hinted.members()].slice(0, 3), ["1", "y", "h0"]);
});

Deno.test("SetValue scan of small tables walks buckets and keeps SCAN's guarantee", () => {
  // A small table is scanned bucket by bucket too: COUNT 1 over ten members stops early.
  const ten = SetValue.fromMembers(Array.from({ length: 10 }, (_, i) => "e" + i), LIMITS);
  const first: string[] = [];
  const next = ten.scan(0, 1, (m) => first.push(m));
  assertTrue(next !== 0 && first.length < 10, `cursor ${next}, ${first.length} members`);

  let runs = 0;
  let partial = 0;
  for (let seed = 1; seed <= 5000; seed++) {
    const rng = new Rng(300 + seed);
    // Names differ per run, so the runs see different hash layouts.
    const stable = Array.from({ length: rng.range(1, 4) }, (_, i) => `s${seed}:${i}`);
    const set = SetValue.fromMembers(stable, LIMITS);
    const returned = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = set.scan(cursor, rng.range(1, 4), (m) => returned.add(m));
      // Churn across the array form's table sizes (4, 8, 16), and in odd runs past it into a Dict.
      const grow = rng.chance(0.5);
      for (let i = 0; i < rng.range(0, 8); i++) {
        const k = `t${seed}:${rng.int(seed % 2 === 0 ? FEW_MAX - 5 : 20)}`;
        if (grow) set.add(k, LIMITS);
        else set.remove(k);
      }
      calls++;
    } while (cursor !== 0 && calls < 10000);
    for (const k of stable) assertTrue(returned.has(k), `seed ${seed}: ${k} missed`);
    if (calls > 1) partial++;
    runs++;
  }
  assertEquals(runs, 5000);
  assertTrue(partial > 1500, `only ${partial} scans took more than one call`);
});

Deno.test("SetValue random members cover the set in both encodings", () => {
  for (const members of [["1", "2", "3", "4"], ["a", "b", "c", "d"]]) {
    const set = SetValue.fromMembers(members, LIMITS);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const m = set.randomMember();
      counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    assertEquals(counts.size, 4);
    for (const n of counts.values()) assertTrue(n > 700 && n < 1300, `skewed: ${n}`);
  }
});

Deno.test("SetValue clone is deep and keeps encoding and order; memory grows with content", () => {
  const a = SetValue.fromMembers(["b", "a", "c"], LIMITS);
  const b = a.clone();
  b.add("d", LIMITS);
  assertEquals(a.size, 3);
  assertEquals([...b.members()], ["b", "a", "c", "d"]);
  assertEquals(a.clone().encoding(), "hashtable");
  const ints = SetValue.fromMembers(["1"], LIMITS);
  assertEquals(ints.clone().encoding(), "intset");
  const before = a.memoryUsage();
  a.add("x".repeat(1000), LIMITS);
  assertTrue(a.memoryUsage() >= before + 1000);
  a.remove("x".repeat(1000));
  assertEquals(a.memoryUsage(), before);
});

Deno.test("setLimitsFrom reads set-max-intset-entries from a configuration", () => {
  const config = new Config();
  assertEquals(setLimitsFrom(config), { maxIntsetEntries: 512 });
  config.applyStartup("set-max-intset-entries", ["3"], "test");
  const set = SetValue.fromMembers(["1", "2", "3", "4"], setLimitsFrom(config));
  assertEquals(set.encoding(), "hashtable");
});
