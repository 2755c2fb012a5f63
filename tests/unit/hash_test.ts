import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { hashLimitsFrom, HashValue } from "../../src/store/hash.ts";
import { Config } from "../../src/config/config.ts";
import { randomMember, Rng } from "../helpers/hashsets.ts";
import { latin1, latin1Bytes } from "../../src/util/bytes.ts";

const LIMITS = { maxListpackEntries: 512, maxListpackValue: 64 };

Deno.test("HashValue keeps listpack order: updates stay in place, re-added fields go last", () => {
  const h = HashValue.empty();
  assertEquals(h.encoding(), "listpack");
  assertEquals(h.set("b", "1", LIMITS), true);
  assertEquals(h.set("a", "2", LIMITS), true);
  assertEquals(h.set("b", "3", LIMITS), false);
  assertEquals([...h.entries()], [["b", "3"], ["a", "2"]]);
  assertEquals(h.delete("b"), true);
  assertEquals(h.delete("b"), false);
  h.set("b", "4", LIMITS);
  assertEquals([...h.entries()], [["a", "2"], ["b", "4"]]);
  assertEquals([...h.fields()], ["a", "b"]);
  assertEquals(h.get("a"), "2");
  assertEquals(h.get("zz"), undefined);
  assertEquals(h.has(""), false);
  h.set("", "", LIMITS);
  assertEquals(h.get(""), "");
  assertEquals(h.size, 3);
});

Deno.test("HashValue converts to hashtable on long fields, long values or too many fields, never back", () => {
  const long = "x".repeat(65);
  const byField = HashValue.empty();
  byField.set(long, "v", LIMITS);
  assertEquals(byField.encoding(), "hashtable");
  byField.delete(long);
  byField.set("a", "b", LIMITS);
  assertEquals(byField.encoding(), "hashtable");

  const byValue = HashValue.empty();
  byValue.set("f", "x".repeat(64), LIMITS);
  assertEquals(byValue.encoding(), "listpack", "64 bytes still fit");
  byValue.set("f", long, LIMITS);
  assertEquals(byValue.encoding(), "hashtable");

  const small = { maxListpackEntries: 2, maxListpackValue: 64 };
  const byCount = HashValue.empty();
  byCount.set("a", "1", small);
  byCount.set("b", "1", small);
  byCount.set("b", "2", small);
  assertEquals(byCount.encoding(), "listpack");
  byCount.set("c", "1", small);
  assertEquals(byCount.encoding(), "hashtable");

  const nothingFits = HashValue.empty();
  nothingFits.set("", "", { maxListpackEntries: 512, maxListpackValue: 0 });
  assertEquals(nothingFits.encoding(), "listpack", "empty strings fit a zero limit");
  nothingFits.set("a", "", { maxListpackEntries: 512, maxListpackValue: 0 });
  assertEquals(nothingFits.encoding(), "hashtable");
});

Deno.test("HashValue.fromEntries picks the encoding Redis picks on load", () => {
  const pairs: [string, string][] = [["b", "1"], ["a", "2"]];
  const h = HashValue.fromEntries(pairs, LIMITS);
  assertEquals(h.encoding(), "listpack");
  assertEquals([...h.entries()], pairs);
  assertEquals(
    HashValue.fromEntries(pairs, { ...LIMITS, maxListpackEntries: 1 }).encoding(),
    "hashtable",
  );
  assertEquals(HashValue.fromEntries([["a", "x".repeat(65)]], LIMITS).encoding(), "hashtable");
  assertEquals(HashValue.fromEntries([["a", "1"], ["a", "2"]], LIMITS).get("a"), "2");
});

Deno.test("HashValue matches a Map model under random operations (property)", () => {
  let cases = 0;
  let tables = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const rng = new Rng(seed);
    const limits = {
      maxListpackEntries: rng.pick([0, 3, 10, 512]),
      // 300: fields and values of 128 bytes or more (two-byte lengths) in a listpack.
      maxListpackValue: rng.pick([0, 8, 64, 100, 300]),
    };
    const model = new Map<string, string>();
    const h = HashValue.empty();
    let mustBeTable = false;
    for (let step = 0; step < 300; step++) {
      const field = randomMember(rng, rng.pick([10, 70, 200]));
      if (rng.chance(0.65)) {
        const value = rng.chance(0.8)
          ? String(rng.int(1000))
          : randomMember(rng, rng.pick([90, 200]));
        assertEquals(h.set(field, value, limits), !model.has(field));
        model.set(field, value);
        if (Math.max(field.length, value.length) > limits.maxListpackValue) mustBeTable = true;
        if (model.size > limits.maxListpackEntries) mustBeTable = true;
      } else {
        assertEquals(h.delete(field), model.delete(field));
      }
      assertEquals(h.size, model.size);
      assertEquals(h.get(field), model.get(field));
      assertEquals(h.encoding(), mustBeTable ? "hashtable" : "listpack");
      // A Map's order is exactly listpack order: updates in place, new keys last.
      if (h.isListpack) assertEquals([...h.entries()], [...model]);
      cases++;
    }
    if (mustBeTable) tables++;
    assertEquals(new Map(h.entries()), model);
  }
  assertEquals(cases, 60 * 300);
  assertTrue(tables > 5 && tables < 60, `tables ${tables}`);
});

Deno.test("HashValue scan: a listpack whole in one call, a table under SCAN's guarantee", () => {
  const lp = HashValue.fromEntries([["f", "1"], ["g", "2"]], LIMITS);
  const seen: string[] = [];
  assertEquals(lp.scan(999, 1, (f, v) => seen.push(f, v)), 0);
  assertEquals(seen, ["f", "1", "g", "2"]);

  let runs = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Rng(200 + seed);
    const h = HashValue.empty();
    for (let i = 0; i < 1500; i++) h.set("k" + i, "v" + i, LIMITS);
    assertEquals(h.encoding(), "hashtable");
    const returned = new Map<string, string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = h.scan(cursor, rng.range(1, 40), (f, v) => returned.set(f, v));
      const grow = rng.chance(0.5);
      for (let i = 0; i < 150; i++) {
        const k = "t" + rng.int(4000);
        if (grow) h.set(k, "x", LIMITS);
        else h.delete(k);
      }
      calls++;
    } while (cursor !== 0 && calls < 100000);
    for (let i = 0; i < 1500; i++) assertEquals(returned.get("k" + i), "v" + i);
    runs++;
  }
  assertEquals(runs, 20);
});

Deno.test("HashValue random fields, clone and memory accounting", () => {
  const h = HashValue.fromEntries([["a", "1"], ["b", "2"], ["c", "3"]], LIMITS);
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) seen.add(h.randomField());
  assertEquals(seen, new Set(["a", "b", "c"]));

  const copy = h.clone();
  copy.set("a", "changed", LIMITS);
  copy.set("z", "new", LIMITS);
  assertEquals(h.get("a"), "1");
  assertEquals(h.size, 3);
  assertEquals([...copy.fields()], ["a", "b", "c", "z"]);
  const table = HashValue.fromEntries([["a", "x".repeat(100)]], LIMITS);
  assertEquals(table.clone().encoding(), "hashtable");

  const before = h.memoryUsage();
  h.set("big", "y".repeat(1000), LIMITS);
  assertTrue(h.memoryUsage() >= before + 1003);
  const grown = h.memoryUsage();
  h.set("big", "y", LIMITS);
  assertEquals(h.memoryUsage(), grown - 999, "an update accounts for the value's new length");
  h.delete("big");
  assertTrue(h.memoryUsage() < grown - 1000);
});

Deno.test("hashLimitsFrom reads the listpack limits (and their ziplist aliases)", () => {
  const config = new Config();
  assertEquals(hashLimitsFrom(config), { maxListpackEntries: 512, maxListpackValue: 64 });
  config.applyStartup("hash-max-ziplist-entries", ["2"], "test");
  config.applyStartup("hash-max-ziplist-value", ["1kb"], "test");
  assertEquals(hashLimitsFrom(config), { maxListpackEntries: 2, maxListpackValue: 1024 });
});

/** A random binary value: often empty or tiny, sometimes past the arena's initial size. */
function randomBytes(rng: Rng, small = false): Uint8Array {
  const kind = small ? rng.int(7) : rng.int(10);
  const n = kind === 0 ? 0 : kind < 7 ? rng.int(12) : kind < 9 ? rng.int(200) : rng.int(5000);
  const bytes = new Uint8Array(n);
  // Bias towards NUL, CR/LF and 0x80-0xFF.
  for (let i = 0; i < n; i++) bytes[i] = rng.pick([0, 10, 13, 0x80, 0xff, rng.int(256)]);
  return bytes;
}

/** Collects what {@link HashValue.writeValue} sends, as a latin1 string. */
class CaptureSink {
  written: string[] = [];
  bulkSlice(source: Uint8Array, offset: number, n: number): void {
    this.written.push(latin1(source.subarray(offset, offset + n)));
  }
  bulkLatin1(text: string): void {
    this.written.push(text);
  }
}

/** Fields with the bytes a text-keyed table could get wrong; two differ only in their last byte. */
const BINARY_FIELDS = ["", "\0", "a\r\nb", "\x80\xff", "\xff\x80", "caf\xe9", "caf\xe8"];

function assertMatchesModel(h: HashValue, model: Map<string, string>): void {
  assertEquals(h.size, model.size);
  assertEquals(new Map(h.entries()), model);
  const viaBytes = new Map<string, string>();
  h.forEachBytes((f, data, offset, length) =>
    viaBytes.set(f, latin1(data.subarray(offset, offset + length)))
  );
  assertEquals(viaBytes, model);
}

Deno.test("HashValue stores binary values as bytes: random set/replace/delete vs a Map model", () => {
  let operations = 0;
  let clones = 0;
  let tables = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Rng(1000 + seed);
    const limits = { maxListpackEntries: rng.pick([8, 128]), maxListpackValue: rng.pick([16, 64]) };
    let model = new Map<string, string>();
    let h = HashValue.empty();
    let mustBeTable = false;
    const sink = new CaptureSink();
    for (let step = 0; step < 400; step++) {
      // Some fields are binary (NUL, CR/LF, bytes above 0x7f), found by their bytes.
      const field = rng.chance(0.25)
        ? BINARY_FIELDS[rng.int(BINARY_FIELDS.length)]
        : "f" + rng.int(rng.pick([6, 60]));
      const op = rng.int(10);
      if (op < 6) {
        // Even seeds keep values short, so some hashes stay listpacks.
        const bytes = randomBytes(rng, seed % 2 === 0);
        const value = latin1(bytes);
        const created = rng.chance(0.5)
          ? h.setField(latin1Bytes(field), bytes, limits)
          : h.set(field, value, limits);
        assertEquals(created, !model.has(field));
        model.set(field, value);
        if (Math.max(field.length, value.length) > limits.maxListpackValue) mustBeTable = true;
        if (model.size > limits.maxListpackEntries) mustBeTable = true;
      } else if (op < 8) {
        assertEquals(h.delete(field), model.delete(field));
      } else if (op < 9) {
        const expected = model.get(field);
        assertEquals(h.get(field), expected);
        assertEquals(
          h.valueLength(latin1Bytes(field)),
          expected === undefined ? -1 : expected.length,
        );
        assertEquals(h.has(field), expected !== undefined);
        assertEquals(h.hasField(latin1Bytes(field)), expected !== undefined);
        sink.written = [];
        assertEquals(h.writeValue(field, sink), expected !== undefined);
        assertEquals(h.writeFieldValue(latin1Bytes(field), sink), expected !== undefined);
        assertEquals(sink.written, expected === undefined ? [] : [expected, expected]);
      } else {
        // Clone, then diverge: each copy must follow only its own writes.
        const copy = h.clone();
        const copyModel = new Map(model);
        const extra = randomBytes(rng, seed % 2 === 0);
        copy.setField(latin1Bytes("only-in-copy"), extra, limits);
        copyModel.set("only-in-copy", latin1(extra));
        const copyMustBeTable: boolean = mustBeTable || extra.length > limits.maxListpackValue ||
          copyModel.size > limits.maxListpackEntries;
        for (const f of [...model.keys()].slice(0, 3)) {
          copy.delete(f);
          copyModel.delete(f);
        }
        assertEquals(copy.encoding(), copyMustBeTable ? "hashtable" : "listpack");
        assertMatchesModel(h, model);
        assertMatchesModel(copy, copyModel);
        if (rng.chance(0.5)) {
          h = copy;
          model = copyModel;
          mustBeTable = copyMustBeTable;
        }
        clones++;
      }
      assertEquals(h.size, model.size);
      assertEquals(h.encoding(), mustBeTable ? "hashtable" : "listpack");
      if (h.isListpack) assertEquals([...h.entries()], [...model]);
      operations++;
    }
    assertMatchesModel(h, model);
    if (mustBeTable) tables++;
  }
  assertEquals(operations, 40 * 400);
  assertTrue(clones > 500, `clones ${clones}`);
  assertTrue(tables > 5 && tables < 40, `tables ${tables}`);
});

Deno.test("HashValue keeps every value intact across arena growth, in-place shrinks and compaction", () => {
  const h = HashValue.empty();
  const model = new Map<string, string>();
  let writes = 0;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 300; i++) {
      const value = String.fromCharCode(i & 0xff).repeat((i * 37 + round * 11) % 300);
      h.set("k" + i, value, LIMITS);
      model.set("k" + i, value);
      writes++;
    }
    // Delete most fields so dead bytes pile up and a delete compacts the arena.
    for (let i = 0; i < 300; i += 1 + (round % 3)) {
      h.delete("k" + i);
      model.delete("k" + i);
    }
    assertMatchesModel(h, model);
  }
  assertEquals(writes, 1800);
});

Deno.test("HashValue: a listpack is one string of length-prefixed fields and values", () => {
  // Small hashes are the common case: one packed string, no table until the
  // hash converts (src/store/hash.ts, src/store/packed_string.ts).
  const h = HashValue.empty();
  const inside = h as unknown as { packed: string; table: unknown };
  h.setField(latin1Bytes("name"), latin1Bytes("ada"), LIMITS);
  h.set("visits", "3", LIMITS);
  h.set("name", "grace", LIMITS);
  assertEquals(inside.packed, "\x04name\x05grace\x06visits\x013");
  assertEquals(inside.table, null);
  h.delete("name");
  assertEquals(inside.packed, "\x06visits\x013");
  // Lengths of 128 and more take a two-byte varint, low seven bits first.
  const wide = { maxListpackEntries: 512, maxListpackValue: 1000 };
  const long = "\xff\x00\r\n".repeat(50);
  h.set(long, "", wide);
  assertEquals(inside.packed, "\x06visits\x013\xc8\x01" + long + "\x00");
  assertEquals(h.get(long), "");
  h.set("visits", long, wide);
  // Found past a two-byte length, on both sides of the pair.
  assertEquals(h.get(long), "");
  assertEquals(h.valueLength(latin1Bytes("visits")), 200);
  assertEquals(h.has("missing"), false);
  assertEquals([...h.entries()], [["visits", long], [long, ""]]);
  // Fields alike but for one byte (the last is compared first, then all).
  h.set("\x00b1", "first", wide);
  h.setField(latin1Bytes("ab1"), latin1Bytes("second"), wide);
  h.setField(latin1Bytes("bb1"), latin1Bytes("third"), wide);
  assertEquals(h.valueLength(latin1Bytes("ab1")), 6);
  assertEquals(h.valueLength(latin1Bytes("bb1")), 5);
  assertEquals(h.valueLength(latin1Bytes("\x00b1")), 5);
  assertEquals([h.get("ab1"), h.get("bb1"), h.hasField(latin1Bytes("cb1"))], [
    "second",
    "third",
    false,
  ]);
  h.set("long", "x".repeat(LIMITS.maxListpackValue + 1), LIMITS);
  assertEquals(inside.packed, "");
  assertTrue(inside.table !== null);
  assertEquals(
    new Map(h.entries()),
    new Map([
      ["visits", long],
      [long, ""],
      ["\x00b1", "first"],
      ["ab1", "second"],
      ["bb1", "third"],
      ["long", "x".repeat(65)],
    ]),
  );
});
