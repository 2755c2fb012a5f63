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
import { hashLatin1, latin1Bytes } from "../../src/util/bytes.ts";
import { nextCursor } from "../../src/store/scan_cursor.ts";
import {
  intAt,
  keyEntry,
  parseIntBytes,
  parseIntText,
  searchInts,
} from "../../src/store/set_intset.ts";

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

/** True while a `hashtable` set keeps its members packed (no Dict yet). */
function isPacked(set: SetValue): boolean {
  return (set as unknown as { few: string | null }).few !== null;
}

/** Awkward members for the packed form: binary bytes, empty, and lengths around the varint steps. */
const PACKED_MEMBERS = [
  "a\x00b",
  "\x00",
  "\r\n",
  "x\r\ny",
  "\xff\xfe",
  "\x80",
  "caf\xc3\xa9",
  "",
  "A".repeat(127),
  "B".repeat(128),
  "C".repeat(129),
  "D".repeat(300) + "\xff",
  "E".repeat(16383),
  "F".repeat(16384),
  "-12",
  "12",
];

/** SSCAN of a small table as the array form did it: buckets of a table sized by the count. */
function referenceScan(members: string[], cursor: number, count: number): [number, string[]] {
  let size = 4;
  while (size < members.length) size *= 2;
  const mask = size - 1;
  const out: string[] = [];
  let v = cursor >>> 0;
  do {
    for (const m of members) if ((hashLatin1(m) & mask) === (v & mask)) out.push(m);
    v = nextCursor(v, mask);
  } while (v !== 0 && out.length < count);
  return [v, out];
}

Deno.test("SetValue packed members: binary bytes, empty, and multi-byte lengths round-trip", () => {
  const set = SetValue.forFirstMember("x");
  let i = 0;
  for (const m of PACKED_MEMBERS) {
    // Alternate the string and byte entry points.
    const added = i++ % 2 === 0 ? set.add(m, LIMITS) : set.addBytes(latin1Bytes(m), LIMITS);
    assertTrue(added, `add ${m.length}`);
  }
  assertTrue(isPacked(set));
  assertEquals(set.size, PACKED_MEMBERS.length);
  assertEquals([...set.members()], PACKED_MEMBERS);
  const visited: string[] = [];
  set.forEach((m) => visited.push(m));
  assertEquals(visited, PACKED_MEMBERS);
  for (const m of PACKED_MEMBERS) {
    assertTrue(set.has(m), `has ${m.length}`);
    assertTrue(set.hasBytes(latin1Bytes(m)), `hasBytes ${m.length}`);
    assertEquals(set.add(m, LIMITS), false);
    assertEquals(set.addBytes(latin1Bytes(m), LIMITS), false);
  }
  // Near misses: same length and last byte, or a prefix or extension of a member.
  for (
    const m of [
      "a\x01b",
      "b\x00b",
      "\x01",
      " ",
      "A".repeat(126),
      "A".repeat(128),
      "B".repeat(127) + "C",
      "caf\xc3",
      "1",
    ]
  ) {
    assertEquals(set.has(m), false, JSON.stringify(m.slice(0, 8)));
    assertEquals(set.hasBytes(latin1Bytes(m)), false, JSON.stringify(m.slice(0, 8)));
    assertEquals(set.remove(m), false);
  }
  assertEquals(set.encoding(), "hashtable");
  // Random members come from the whole set.
  const seen = new Set<string>();
  for (let k = 0; k < 2000; k++) seen.add(set.randomMember());
  assertEquals(seen.size, PACKED_MEMBERS.length);
  // A clone is independent and keeps the order.
  const copy = set.clone();
  assertTrue(copy.remove(""));
  assertEquals(set.size, PACKED_MEMBERS.length);
  assertEquals([...copy.members()], PACKED_MEMBERS.filter((m) => m !== ""));
  // Removing from the front, middle and end keeps the rest in order.
  const model = [...PACKED_MEMBERS];
  for (const m of ["a\x00b", "B".repeat(128), "12", "", "F".repeat(16384)]) {
    assertTrue(set.remove(m));
    model.splice(model.indexOf(m), 1);
    assertEquals([...set.members()], model);
    assertEquals(set.has(m), false);
    for (const rest of model) assertTrue(set.hasBytes(latin1Bytes(rest)));
  }
  assertTrue(set.add("", LIMITS));
  model.push("");
  assertEquals([...set.members()], model);
  const before = set.memoryUsage();
  assertTrue(set.remove("E".repeat(16383)));
  assertTrue(before - set.memoryUsage() >= 16383, "memory follows the packed bytes");
});

Deno.test("SetValue packed sets convert to a table past FEW_MAX, also from an intset", () => {
  for (const viaBytes of [false, true]) {
    const set = SetValue.forFirstMember("m");
    const model: string[] = [];
    for (let i = 0; i < FEW_MAX; i++) {
      const m = i % 3 === 0 ? "\x00".repeat(i) + "\xff" : "k" + i;
      assertTrue(viaBytes ? set.addBytes(latin1Bytes(m), LIMITS) : set.add(m, LIMITS));
      model.push(m);
    }
    assertTrue(isPacked(set), "FEW_MAX members stay packed");
    assertEquals(set.add(model[5], LIMITS), false);
    assertTrue(isPacked(set), "a duplicate does not convert");
    assertTrue(
      viaBytes
        ? set.addBytes(latin1Bytes("P".repeat(200)), LIMITS)
        : set.add("P".repeat(200), LIMITS),
    );
    model.push("P".repeat(200));
    assertEquals(isPacked(set), false, "one more makes the table");
    assertEquals([...set.members()], model);
    for (const m of model) assertTrue(set.hasBytes(latin1Bytes(m)));
    assertEquals(set.memoryUsage() > 0, true);
  }
  // An intset leaves for the packed form up to FEW_MAX members, for a table past it.
  const small = SetValue.fromMembers(
    Array.from({ length: FEW_MAX - 1 }, (_, i) => String(i - 5)),
    LIMITS,
  );
  assertEquals(small.encoding(), "intset");
  small.add("x", LIMITS);
  assertTrue(isPacked(small));
  assertEquals(small.size, FEW_MAX);
  assertEquals([...small.members()].slice(0, 3), ["-5", "-4", "-3"]);
  assertEquals([...small.members()].at(-1), "x");
  const full = SetValue.fromMembers(Array.from({ length: FEW_MAX }, (_, i) => String(i)), LIMITS);
  full.add("x", LIMITS);
  assertEquals(isPacked(full), false);
  assertEquals(full.size, FEW_MAX + 1);
  // An intset past set-max-intset-entries goes the same way.
  const capped = SetValue.empty();
  for (let i = 0; i < 5; i++) capped.add(String(i), { maxIntsetEntries: 4 });
  assertEquals(capped.encoding(), "hashtable");
  assertTrue(isPacked(capped));
  assertEquals([...capped.members()], ["0", "1", "2", "3", "4"]);
});

Deno.test("SetValue packed sets scan like the array form did: same members and cursors", () => {
  const rng = new Rng(77);
  let steps = 0;
  for (let run = 0; run < 300; run++) {
    const n = rng.range(0, FEW_MAX);
    const members = [...new Set(Array.from({ length: n }, () => randomMember(rng, 140)))];
    const set = SetValue.forFirstMember("x");
    for (const m of members) set.add(m, LIMITS);
    assertTrue(isPacked(set));
    let cursor = rng.chance(0.3) ? rng.int(2 ** 32) : 0;
    let calls = 0;
    do {
      const count = rng.range(1, 5);
      const got: string[] = [];
      const [expectedCursor, expected] = referenceScan(members, cursor, count);
      cursor = set.scan(cursor, count, (m) => got.push(m));
      assertEquals(cursor, expectedCursor);
      assertEquals(got, expected);
      steps++;
    } while (cursor !== 0 && ++calls < 100);
  }
  assertTrue(steps > 500, `only ${steps} scan steps`);
});

Deno.test("SetValue packed and intset forms match a Set model with binary and long members (property)", () => {
  let cases = 0;
  let packedChecks = 0;
  let conversions = 0;
  const pool = [...PACKED_MEMBERS, ...EDGE_INTEGERS, "7", "-7", "08", "-0"];
  for (let seed = 1; seed <= 80; seed++) {
    const rng = new Rng(1000 + seed);
    const limits = { maxIntsetEntries: rng.pick([2, 16, 512]) };
    const ints = seed % 3 === 0;
    const model = new Set<string>();
    // About 20 distinct members, so that the set hovers around ten and
    // crosses FEW_MAX now and then.
    const universe = [
      ...Array.from({ length: rng.range(12, 30) }, () => rng.pick(pool)),
      ...Array.from({ length: 6 }, (_, i) => "s" + i),
    ];
    let set = SetValue.forFirstMember(ints ? "1" : "x");
    let order: string[] = [];
    for (let step = 0; step < 250; step++) {
      const m = ints
        ? (rng.chance(0.8) ? String(rng.range(-40, 40)) : rng.pick(EDGE_INTEGERS))
        : rng.pick(universe);
      const packedBefore = isPacked(set);
      const op = rng.int(10);
      if (op < 4) {
        const wasIntset = set.isIntset;
        const added = rng.chance(0.5) ? set.add(m, limits) : set.addBytes(latin1Bytes(m), limits);
        assertEquals(added, !model.has(m), `add ${JSON.stringify(m.slice(0, 10))}`);
        // An intset leaving for a table takes its members in numeric order
        // (the new one too when it is an integer: the intset grew too large).
        if (added) order.push(m);
        if (wasIntset && !set.isIntset) {
          order = isInt64Text(m) ? numericSort(order) : [...numericSort(order.slice(0, -1)), m];
        }
        model.add(m);
      } else if (op < 8) {
        assertEquals(set.remove(m), model.delete(m), `remove ${JSON.stringify(m.slice(0, 10))}`);
        if (order.includes(m)) order.splice(order.indexOf(m), 1);
      } else if (op === 8) {
        set = set.clone();
      } else if (model.size > 0) {
        assertTrue(model.has(set.randomMember()));
      }
      assertEquals(set.size, model.size);
      assertEquals(set.has(m), model.has(m));
      assertEquals(set.hasBytes(latin1Bytes(m)), model.has(m));
      if (packedBefore && !isPacked(set) && op !== 8) conversions++;
      if (isPacked(set)) {
        // The packed form keeps insertion order.
        assertEquals([...set.members()], order);
        packedChecks++;
      } else if (set.isIntset) {
        assertEquals([...set.members()], numericSort([...model]));
      } else {
        assertEquals(new Set(set.members()), model);
      }
      cases++;
    }
  }
  assertTrue(cases === 80 * 250, `cases ${cases}`);
  assertTrue(packedChecks > 6000, `packed checks ${packedChecks}`);
  assertTrue(conversions > 15, `conversions ${conversions}`);
});

Deno.test("packed intset entries round-trip int64 texts exactly and sort numerically", () => {
  const rng = new Rng(99);
  const values: bigint[] = [];
  const edges = [
    0n,
    1n,
    -1n,
    2n ** 31n,
    -(2n ** 31n),
    2n ** 32n,
    -(2n ** 32n),
    2n ** 53n,
    -(2n ** 53n),
  ];
  for (const e of edges) for (let d = -2n; d <= 2n; d++) values.push(e + d);
  values.push(2n ** 63n - 1n, 2n ** 63n - 2n, -(2n ** 63n), -(2n ** 63n) + 1n);
  for (let i = 0; i < 20000; i++) {
    const hi = BigInt(rng.int(2 ** 32));
    const lo = BigInt(rng.int(2 ** 32));
    const v = BigInt.asIntN(64, (hi << 32n) | lo);
    values.push(rng.chance(0.5) ? v : v >> BigInt(rng.int(64)));
  }
  let cases = 0;
  for (const v of values) {
    const text = String(v);
    assertTrue(parseIntText(text), text);
    const entry = keyEntry();
    assertEquals(entry.length, 4);
    assertTrue(parseIntBytes(latin1Bytes(text)), text);
    assertEquals(keyEntry(), entry, text);
    assertEquals(intAt(entry, 0), text);
    cases++;
  }
  assertEquals(cases, values.length);
  const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries = sorted.map((v) => {
    parseIntText(String(v));
    return keyEntry();
  });
  for (let i = 1; i < entries.length; i++) {
    assertTrue(entries[i - 1] < entries[i], String(sorted[i]));
  }
  const packed = entries.join("");
  for (let i = 0; i < 2000; i++) {
    const at = rng.int(sorted.length);
    parseIntText(String(sorted[at]));
    assertEquals(searchInts(packed), at);
  }
  for (const s of [...NEAR_INTEGERS, "99999999999999999999", "-", "1a", "\x001", "٣"]) {
    assertEquals(parseIntText(s), false, JSON.stringify(s));
    assertEquals(parseIntBytes(latin1Bytes(s)), false, JSON.stringify(s));
  }
});
