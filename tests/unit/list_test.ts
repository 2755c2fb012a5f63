import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { FEW_MAX, FEW_MEMBER_MAX, ListValue } from "../../src/store/list.ts";

/** Deterministic PRNG (mulberry32) so failures replay. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EMPTY_MEMORY = new ListValue().memoryUsage();

/**
 * What {@link ListValue.memoryUsage} reports for members in the packed form:
 * one string of `[length][bytes]` entries (the empty list's string has no
 * characters), rounded up to 8 bytes as V8 allocates it.
 */
const packedMemory = (members: string[]) => {
  const chars = members.reduce((n, m) => n + (m.length < 128 ? 1 : 2) + m.length, 0);
  return EMPTY_MEMORY + ((chars + 7) & ~7);
};

const bytesOf = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** Positions of `model` that LREM removes: up to `limit` (0 = all) matches, from the chosen end. */
function lremDrops(model: string[], target: string, limit: number, fromTail: boolean): Set<number> {
  const drop = new Set<number>();
  const order = fromTail ? [...model.keys()].reverse() : [...model.keys()];
  for (const i of order) {
    if (model[i] === target && (limit === 0 || drop.size < limit)) drop.add(i);
  }
  return drop;
}

function check(list: ListValue, model: string[], context: string): void {
  assertEquals(list.size, model.length, `size ${context}`);
  assertEquals(list.toArray(), model, `contents ${context}`);
}

Deno.test("ListValue: basic deque operations and Redis-style indexes", () => {
  const list = new ListValue();
  assertEquals(list.size, 0);
  assertEquals(list.popFront(), undefined);
  assertEquals(list.popBack(), undefined);
  list.pushBack("b");
  list.pushFront("a");
  list.pushBack("c");
  assertEquals([...list], ["a", "b", "c"]);
  assertEquals(list.get(0), "a");
  assertEquals(list.get(-1), "c");
  assertEquals(list.get(-3), "a");
  assertEquals(list.get(3), undefined);
  assertEquals(list.get(-4), undefined);
  assertEquals(list.indexOf(bytesOf("c")), 2);
  assertEquals(list.indexOf(bytesOf("a"), 2, -1), 0);
  assertEquals(list.indexOf(bytesOf("zz")), -1);
  list.set(1, "B");
  list.insert(0, "start");
  list.insert(4, "end");
  list.insert(2, "mid");
  assertEquals(list.toArray(), ["start", "a", "mid", "B", "c", "end"]);
  list.removeAt(2);
  list.removeAt(0);
  assertEquals(list.toArray(), ["a", "B", "c", "end"]);
  assertEquals(list.encoding(), "quicklist");
});

Deno.test("ListValue: removeMatching honours limit and direction", () => {
  const make = () => ListValue.fromArray(["x", "a", "x", "b", "x", "c", "x"]);
  let l = make();
  assertEquals(l.removeMatching(bytesOf("x"), 2, false), 2);
  assertEquals(l.toArray(), ["a", "b", "x", "c", "x"]);
  l = make();
  assertEquals(l.removeMatching(bytesOf("x"), 2, true), 2);
  assertEquals(l.toArray(), ["x", "a", "x", "b", "c"]);
  l = make();
  assertEquals(l.removeMatching(bytesOf("x"), 0, true), 4);
  assertEquals(l.toArray(), ["a", "b", "c"]);
  assertEquals(l.removeMatching(bytesOf("nope"), 0, false), 0);
});

Deno.test("ListValue: binary members round-trip, clone is independent", () => {
  const members = ["", "\x00", "\r\n", "\xff\xfe", "plain", "a".repeat(100_000)];
  const list = ListValue.fromArray(members);
  assertEquals([...list.values()], members);
  const copy = list.clone();
  copy.pushBack("extra");
  copy.set(0, "changed");
  assertEquals(list.toArray(), members);
  assertEquals(copy.size, members.length + 1);
  assertTrue(list.memoryUsage() > 100_000, "memory counts member bytes");
});

Deno.test("ListValue: the packed form moves to blocks on the first member that does not fit", () => {
  const few = Array.from({ length: FEW_MAX }, (_, i) => "m" + i);
  assertEquals(ListValue.fromArray(few).memoryUsage(), packedMemory(few));
  // One member too many, at either end or in the middle.
  for (const grow of ["back", "front", "middle"] as const) {
    const list = ListValue.fromArray(few);
    if (grow === "back") list.pushBackBytes(bytesOf("x"));
    else if (grow === "front") list.pushFront("x");
    else list.insertBytes(3, bytesOf("x"));
    const expected = grow === "back" ? [...few, "x"] : grow === "front" ? ["x", ...few] : [
      ...few.slice(0, 3),
      "x",
      ...few.slice(3),
    ];
    assertEquals(list.toArray(), expected, grow);
    assertTrue(list.memoryUsage() > packedMemory(expected), `${grow}: moved to blocks`);
  }
  // One member too long, pushed, inserted or written over another.
  const long = "\x00\r\n\xff".repeat(FEW_MEMBER_MAX / 4) + "!";
  for (const write of ["push", "insert", "set", "setBytes"] as const) {
    const list = ListValue.fromArray(["a", "b"]);
    if (write === "push") list.pushBack(long);
    else if (write === "insert") list.insert(1, long);
    else if (write === "set") list.set(1, long);
    else list.setBytes(1, bytesOf(long));
    const expected = write === "push"
      ? ["a", "b", long]
      : write === "insert"
      ? ["a", long, "b"]
      : ["a", long];
    assertEquals(list.toArray(), expected, write);
    assertTrue(list.memoryUsage() > packedMemory(expected), `${write}: moved to blocks`);
    const at = expected.indexOf(long);
    assertEquals(list.lengthAt(at), long.length);
    assertTrue(list.equalsBytes(at, bytesOf(long)));
  }
  // A member of exactly FEW_MEMBER_MAX bytes stays, and an emptied list is compact again.
  const edge = ListValue.fromArray(["a"]);
  edge.pushBack("y".repeat(FEW_MEMBER_MAX));
  assertEquals(edge.memoryUsage(), packedMemory(edge.toArray()));
  const big = ListValue.fromArray(Array.from({ length: 100 }, (_, i) => "v" + i));
  big.removeFront(100);
  assertEquals(big.memoryUsage(), EMPTY_MEMORY);
  big.pushBack("again");
  assertEquals(big.toArray(), ["again"]);
});

Deno.test("ListValue: large lists grow, wrap and shrink back", () => {
  const list = new ListValue();
  const model: string[] = [];
  // Alternate ends so the ring wraps mid-block when it grows.
  for (let i = 0; i < 50_000; i++) {
    const v = String(i);
    if (i % 3 === 0) {
      list.pushFront(v);
      model.unshift(v);
    } else {
      list.pushBack(v);
      model.push(v);
    }
  }
  check(list, model, "after growth");
  for (const i of [0, 1, 1023, 1024, 25_000, 49_998, 49_999]) {
    assertEquals(list.at(i), model[i], `at(${i})`);
  }
  list.removeFront(20_000);
  list.removeBack(29_990);
  model.splice(0, 20_000);
  model.splice(10);
  check(list, model, "after trimming");
  while (list.size > 0) list.popBack();
  assertEquals(list.memoryUsage(), EMPTY_MEMORY, "an emptied list is compacted");
});

Deno.test("ListValue: property test against an array model", () => {
  const SEQUENCES = 120;
  const OPS = 600;
  let cases = 0;
  for (let seed = 1; seed <= SEQUENCES; seed++) {
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    let list = new ListValue();
    let model: string[] = [];
    // Some sequences run big enough to cross the block size many times.
    const burst = seed % 4 === 0 ? 3000 : 20;
    for (let op = 0; op < OPS; op++) {
      const member = rnd() < 0.1 ? "\x00\xff" + int(5) : String.fromCharCode(97 + int(6));
      const n = model.length;
      switch (int(13)) {
        case 0:
          list.pushFront(member);
          model.unshift(member);
          break;
        case 1:
          list.pushBack(member);
          model.push(member);
          break;
        case 2:
          assertEquals(list.popFront(), model.shift());
          break;
        case 3:
          assertEquals(list.popBack(), model.pop());
          break;
        case 4: {
          const k = int(burst);
          for (let i = 0; i < k; i++) {
            const v = member + i;
            if (rnd() < 0.5) {
              list.pushFront(v);
              model.unshift(v);
            } else {
              list.pushBack(v);
              model.push(v);
            }
          }
          break;
        }
        case 5: {
          const k = int(burst);
          list.removeFront(k);
          model.splice(0, k);
          const j = int(burst);
          list.removeBack(j);
          model.splice(Math.max(0, model.length - j));
          break;
        }
        case 6: {
          const i = int(n + 1);
          list.insert(i, member);
          model.splice(i, 0, member);
          break;
        }
        case 7:
          if (n > 0) {
            const i = int(n);
            list.removeAt(i);
            model.splice(i, 1);
          }
          break;
        case 8:
          if (n > 0) {
            const i = int(n);
            list.set(i, member);
            model[i] = member;
          }
          break;
        case 9: {
          const limit = int(3);
          const fromTail = rnd() < 0.5;
          const drop = lremDrops(model, member, limit, fromTail);
          const removed = drop.size;
          assertEquals(list.removeMatching(bytesOf(member), limit, fromTail), removed);
          model = model.filter((_, i) => !drop.has(i));
          break;
        }
        case 10: {
          const index = int(2 * n + 3) - n - 1;
          const expected = index < 0 ? model[n + index] : model[index];
          assertEquals(list.get(index), expected, `get(${index})`);
          break;
        }
        case 11:
          if (rnd() < 0.3) {
            const copy = list.clone();
            list = rnd() < 0.5 ? copy : ListValue.fromArray(list.toArray());
          }
          break;
        case 12:
          assertEquals(list.indexOf(bytesOf(member)), model.indexOf(member));
          assertEquals(list.indexOf(bytesOf(member), n - 1, -1), model.lastIndexOf(member));
          break;
      }
      cases++;
      assertEquals(list.size, model.length, `seed ${seed} op ${op}`);
      if (op % 50 === 0 || model.length < 8) check(list, model, `seed ${seed} op ${op}`);
    }
    check(list, model, `seed ${seed} end`);
    while (list.size > 0) list.popFront();
    assertEquals(list.memoryUsage(), EMPTY_MEMORY, `seed ${seed}: byte count drifted`);
  }
  assertEquals(cases, SEQUENCES * OPS);
});

/** A random member: often tiny, sometimes binary, empty, or larger than a block's first arena. */
function randomMember(int: (n: number) => number): string {
  switch (int(8)) {
    case 0:
      return "";
    case 1: {
      // Bytes 0x00 and 0x80-0xFF, which no UTF-8 round trip would keep.
      let s = "\x00";
      for (let i = int(6); i > 0; i--) s += String.fromCharCode(0x80 + int(128));
      return s + "\r\n";
    }
    case 2:
      // Larger than a small block's initial arena, sometimes than a full block's.
      return String.fromCharCode(int(256)).repeat(40 + int(5000));
    default:
      return String.fromCharCode(97 + int(4)).repeat(1 + int(3));
  }
}

Deno.test("ListValue: byte storage against an array model (binary, empty, huge members)", () => {
  const SEQUENCES = 30;
  const OPS = 400;
  let cases = 0;
  for (let seed = 1; seed <= SEQUENCES; seed++) {
    const rnd = prng(1000 + seed);
    const int = (n: number) => Math.floor(rnd() * n);
    let list = new ListValue();
    let model: string[] = [];
    const burst = seed % 3 === 0 ? 2500 : 30;
    for (let op = 0; op < OPS; op++) {
      const member = randomMember(int);
      const bytes = bytesOf(member);
      const n = model.length;
      switch (int(12)) {
        case 0: // pushes at both ends, string and byte forms
          if (rnd() < 0.5) list.pushFrontBytes(bytes);
          else list.pushFront(member);
          model.unshift(member);
          break;
        case 1:
          if (rnd() < 0.5) list.pushBackBytes(bytes);
          else list.pushBack(member);
          model.push(member);
          break;
        case 2: {
          const k = int(burst);
          for (let i = 0; i < k; i++) {
            const v = i % 7 === 0 ? randomMember(int) : String.fromCharCode(97 + (i % 26));
            if (rnd() < 0.5) {
              list.pushFrontBytes(bytesOf(v));
              model.unshift(v);
            } else {
              list.pushBackBytes(bytesOf(v));
              model.push(v);
            }
          }
          break;
        }
        case 3:
          for (let k = int(4); k > 0; k--) {
            if (rnd() < 0.5) assertEquals(list.popFront(), model.shift());
            else assertEquals(list.popBack(), model.pop());
          }
          break;
        case 4: { // trims (LTRIM)
          const front = int(Math.ceil(n / 3) + 1);
          const back = int(Math.ceil(n / 3) + 1);
          list.removeFront(front);
          model.splice(0, front);
          list.removeBack(back);
          model.splice(Math.max(0, model.length - back));
          break;
        }
        case 5: // set with a longer or shorter value
          if (n > 0) {
            const i = int(n);
            if (rnd() < 0.5) list.setBytes(i, bytes);
            else list.set(i, member);
            model[i] = member;
          }
          break;
        case 6: { // insert in the middle
          const i = int(n + 1);
          if (rnd() < 0.5) list.insertBytes(i, bytes);
          else list.insert(i, member);
          model.splice(i, 0, member);
          break;
        }
        case 7:
          if (n > 0) {
            const i = int(n);
            list.removeAt(i);
            model.splice(i, 1);
          }
          break;
        case 8: {
          const target = n > 0 && rnd() < 0.7 ? model[int(n)] : member;
          const limit = int(3);
          const fromTail = rnd() < 0.5;
          const drop = lremDrops(model, target, limit, fromTail);
          assertEquals(list.removeMatching(bytesOf(target), limit, fromTail), drop.size);
          model = model.filter((_, i) => !drop.has(i));
          break;
        }
        case 9: { // reads: indexOf, byte equality, lengths and bulk writes
          const target = n > 0 && rnd() < 0.7 ? model[int(n)] : member;
          assertEquals(list.indexOf(bytesOf(target)), model.indexOf(target));
          assertEquals(list.indexOf(bytesOf(target), n - 1, -1), model.lastIndexOf(target));
          if (n > 0) {
            const i = int(n);
            assertEquals(list.lengthAt(i), model[i].length);
            assertTrue(list.equalsBytes(i, bytesOf(model[i])));
            let written = "";
            list.writeBulk(i, {
              bulkSlice: (src, off, len) => {
                written = String.fromCharCode(...src.subarray(off, off + len));
              },
              bulkLatin1: (text) => written = text,
            });
            assertEquals(written, model[i]);
          }
          break;
        }
        case 10: { // clones are independent of the original
          const copy = list.clone();
          if (n > 0) {
            copy.setBytes(0, bytesOf("changed" + member));
            assertEquals(list.get(0), model[0]);
          }
          list = rnd() < 0.5 ? list.clone() : ListValue.fromArray(list.toArray());
          break;
        }
        case 11: {
          const index = int(2 * n + 3) - n - 1;
          assertEquals(list.get(index), index < 0 ? model[n + index] : model[index]);
          break;
        }
      }
      cases++;
      assertEquals(list.size, model.length, `seed ${seed} op ${op}`);
      if (op % 20 === 0 || model.length < 16) check(list, model, `seed ${seed} op ${op}`);
    }
    check(list, model, `seed ${seed} end`);
    while (list.size > 0) assertEquals(list.popBack(), model.pop());
    assertEquals(list.memoryUsage(), EMPTY_MEMORY, `seed ${seed}: an emptied list is compact`);
  }
  assertEquals(cases, SEQUENCES * OPS);
});

/** Everything a list says about its members, read through each accessor, against `model`. */
function checkAllReads(list: ListValue, model: string[], context: string): void {
  check(list, model, context);
  const n = model.length;
  for (let i = 0; i < n; i++) {
    assertEquals(list.at(i), model[i], `at(${i}) ${context}`);
    assertEquals(list.get(i - n), model[i], `get(${i - n}) ${context}`);
    assertEquals(list.lengthAt(i), model[i].length, `lengthAt(${i}) ${context}`);
    assertTrue(list.equalsBytes(i, bytesOf(model[i])), `equalsBytes(${i}) ${context}`);
    assertEquals(list.equalsBytes(i, bytesOf(model[i] + "\x00")), false, `longer ${context}`);
  }
  // Backwards, so that each read starts over rather than going on from the last.
  for (let i = n - 1; i >= 0; i--) assertEquals(list.at(i), model[i], `at(${i}) back ${context}`);
  let written = "";
  const sink = {
    bulkSlice: (src: Uint8Array, off: number, len: number) => {
      written += String.fromCharCode(...src.subarray(off, off + len)) + "|";
    },
    bulkLatin1: (text: string) => written += text + "|",
  };
  for (let i = 0; i < n; i++) list.writeBulk(i, sink);
  assertEquals(written, model.map((m) => m + "|").join(""), `writeBulk ${context}`);
  for (const target of new Set(model)) {
    const bytes = bytesOf(target);
    assertEquals(list.indexOf(bytes), model.indexOf(target), `indexOf ${context}`);
    assertEquals(
      list.indexOf(bytes, n - 1, -1),
      model.lastIndexOf(target),
      `lastIndexOf ${context}`,
    );
    for (let from = 0; from < n; from++) {
      assertEquals(
        list.indexOf(bytes, from),
        model.indexOf(target, from),
        `indexOf from ${context}`,
      );
      assertEquals(
        list.indexOf(bytes, from, -1),
        model.lastIndexOf(target, from),
        `lastIndexOf from ${context}`,
      );
    }
  }
  assertEquals(list.indexOf(bytesOf("absent"), -1), -1);
  assertEquals(list.indexOf(bytesOf(model[0] ?? ""), n), -1);
}

Deno.test("ListValue: packed form keeps binary members exact", () => {
  // NUL, CR/LF, bytes ≥ 0x80, the empty member, and members whose length
  // byte is itself NUL, LF, CR or ≥ 0x80-adjacent (0, 10, 13, 64 = FEW_MEMBER_MAX).
  const members = [
    "",
    "\x00",
    "\r\n",
    "\x80\xff\xfe",
    "\n".repeat(10),
    "\x00\r\n\x80".repeat(3) + "z",
    "\xff".repeat(FEW_MEMBER_MAX),
    "plain",
  ];
  assertEquals(members.length, FEW_MAX);
  const list = ListValue.fromArray(members);
  assertEquals(list.memoryUsage(), packedMemory(members), "fromArray packs them");
  checkAllReads(list, members, "fromArray");
  // The same members pushed one by one, as bytes and as strings, from either end.
  const pushed = new ListValue();
  for (let i = 0; i < members.length; i++) {
    if (i % 2 === 0) pushed.pushBackBytes(bytesOf(members[i]));
    else pushed.pushBack(members[i]);
  }
  const front = new ListValue();
  for (let i = members.length - 1; i >= 0; i--) {
    if (i % 2 === 0) front.pushFrontBytes(bytesOf(members[i]));
    else front.pushFront(members[i]);
  }
  for (const [name, l] of [["pushBack", pushed], ["pushFront", front]] as const) {
    assertEquals(l.memoryUsage(), packedMemory(members), `${name} packs them`);
    checkAllReads(l, members, name);
  }
  // Writes that keep it packed: set, insert, removals of binary members.
  const model = [...members];
  list.setBytes(3, bytesOf("\x00\x00"));
  model[3] = "\x00\x00";
  list.set(0, "\xff\r\n");
  model[0] = "\xff\r\n";
  list.removeAt(5);
  model.splice(5, 1);
  list.removeAt(1);
  model.splice(1, 1);
  list.insertBytes(2, bytesOf(""));
  model.splice(2, 0, "");
  list.insert(6, "\x80".repeat(FEW_MEMBER_MAX));
  model.splice(6, 0, "\x80".repeat(FEW_MEMBER_MAX));
  assertEquals(list.memoryUsage(), packedMemory(model), "still packed");
  checkAllReads(list, model, "after writes");
  list.removeAt(0);
  model.shift();
  list.pushFront("");
  model.unshift("");
  assertEquals(list.removeMatching(bytesOf(""), 0, false), 2);
  model.splice(model.indexOf(""), 1);
  model.splice(model.indexOf(""), 1);
  assertEquals(model.indexOf(""), -1);
  assertEquals(list.memoryUsage(), packedMemory(model), "packed after LREM");
  checkAllReads(list, model, "after LREM of the empty member");
  assertEquals(list.popBack(), model.pop());
  assertEquals(list.popFront(), model.shift());
  list.removeFront(2);
  model.splice(0, 2);
  list.removeBack(1);
  model.pop();
  checkAllReads(list, model, "after pops");
  assertEquals(list.memoryUsage(), packedMemory(model));
  // A clone shares the string and stays apart from the original.
  const copy = list.clone();
  copy.setBytes(0, bytesOf("changed"));
  checkAllReads(list, model, "original after its clone changed");
  checkAllReads(copy, ["changed", ...model.slice(1)], "clone");
});

Deno.test("ListValue: boundaries of the packed form", () => {
  const fits = "\x80".repeat(FEW_MEMBER_MAX);
  const tooLong = fits + "\x00";
  // A member of FEW_MEMBER_MAX bytes stays packed, one more byte does not.
  const list = ListValue.fromArray([fits]);
  assertEquals(list.memoryUsage(), packedMemory([fits]));
  list.pushBackBytes(bytesOf(tooLong));
  assertTrue(list.memoryUsage() > packedMemory([fits, tooLong]), "moved to the ring");
  checkAllReads(list, [fits, tooLong], "ring with a long member");
  // Removing the long member packs it again: a ring of few short members.
  assertEquals(list.popBack(), tooLong);
  assertEquals(list.memoryUsage(), packedMemory([fits]));
  checkAllReads(list, [fits], "packed again");
  // fromArray of a long member, or of FEW_MAX + 1 members, builds a ring.
  assertTrue(ListValue.fromArray([tooLong]).memoryUsage() > packedMemory([tooLong]));
  const nine = Array.from({ length: FEW_MAX + 1 }, (_, i) => "m" + i);
  assertTrue(ListValue.fromArray(nine).memoryUsage() > packedMemory(nine));
  // A ring is packed again once it is down to half of FEW_MAX members, not before.
  const ring = ListValue.fromArray(nine);
  const model = [...nine];
  while (model.length > FEW_MAX / 2 + 1) assertEquals(ring.popFront(), model.shift());
  assertTrue(ring.memoryUsage() > packedMemory(model), `still a ring at ${model.length}`);
  assertEquals(ring.popBack(), model.pop());
  assertEquals(ring.memoryUsage(), packedMemory(model), `packed at ${model.length}`);
  checkAllReads(ring, model, "repacked");
  // ... but not while a long member is left in it.
  const mixed = ListValue.fromArray([...nine.slice(0, 6), tooLong]);
  mixed.removeFront(5);
  assertTrue(mixed.memoryUsage() > packedMemory(["m5", tooLong]), "a long member keeps it a ring");
  checkAllReads(mixed, ["m5", tooLong], "mixed ring");
  // LSET with a long member moves a packed list to the ring.
  const set = ListValue.fromArray(["a", "b", "c"]);
  set.setBytes(1, bytesOf(tooLong));
  assertTrue(set.memoryUsage() > packedMemory(["a", tooLong, "c"]));
  checkAllReads(set, ["a", tooLong, "c"], "LSET long");
});

Deno.test("ListValue: small lists against an array model (packed form, conversions, shared cursor)", () => {
  const SEQUENCES = 60;
  const OPS = 500;
  let cases = 0;
  let packedChecks = 0;
  let ringChecks = 0;
  for (let seed = 1; seed <= SEQUENCES; seed++) {
    const rnd = prng(5000 + seed);
    const int = (n: number) => Math.floor(rnd() * n);
    // Members around the limits: mostly short, some binary, some too long.
    const member = (): string => {
      switch (int(10)) {
        case 0:
          return "";
        case 1:
          return String.fromCharCode(...Array.from({ length: 1 + int(4) }, () => int(256)));
        case 2:
          return "\r\n\x00".slice(int(3));
        case 3:
          return String.fromCharCode(0x80 + int(128)).repeat(FEW_MEMBER_MAX - 1 + int(3));
        default:
          return String.fromCharCode(97 + int(3)).repeat(1 + int(2));
      }
    };
    // Three lists at once, so the shared read cursor moves between them; clones share strings.
    const lists = [new ListValue(), new ListValue(), new ListValue()];
    const models: string[][] = [[], [], []];
    // Whether each list should be packed, by the rules (with the ring's hysteresis).
    const packed = [true, true, true];
    const fits = (m: string[]) => m.length <= FEW_MAX && m.every((x) => x.length <= FEW_MEMBER_MAX);
    for (let op = 0; op < OPS; op++) {
      const k = int(3);
      const list = lists[k];
      const model = models[k];
      const n = model.length;
      const m = member();
      let removal = false;
      switch (int(12)) {
        case 0:
        case 1: {
          const front = rnd() < 0.5;
          const asBytes = rnd() < 0.5;
          if (front) asBytes ? list.pushFrontBytes(bytesOf(m)) : list.pushFront(m);
          else asBytes ? list.pushBackBytes(bytesOf(m)) : list.pushBack(m);
          if (front) model.unshift(m);
          else model.push(m);
          break;
        }
        case 2:
          assertEquals(list.popFront(), model.shift());
          removal = true;
          break;
        case 3:
          assertEquals(list.popBack(), model.pop());
          removal = true;
          break;
        case 4: {
          const i = int(n + 1);
          if (rnd() < 0.5) list.insertBytes(i, bytesOf(m));
          else list.insert(i, m);
          model.splice(i, 0, m);
          break;
        }
        case 5:
          if (n > 0) {
            const i = int(n);
            if (rnd() < 0.5) list.setBytes(i, bytesOf(m));
            else list.set(i, m);
            model[i] = m;
          }
          break;
        case 6:
          if (n > 0) {
            const i = int(n);
            list.removeAt(i);
            model.splice(i, 1);
            removal = true;
          }
          break;
        case 7: {
          const target = n > 0 && rnd() < 0.7 ? model[int(n)] : m;
          const limit = int(3);
          const fromTail = rnd() < 0.5;
          const drop = lremDrops(model, target, limit, fromTail);
          assertEquals(list.removeMatching(bytesOf(target), limit, fromTail), drop.size);
          models[k] = model.filter((_, i) => !drop.has(i));
          removal = drop.size > 0;
          break;
        }
        case 8: {
          const front = int(3);
          const back = int(3);
          list.removeFront(front);
          model.splice(0, front);
          list.removeBack(back);
          model.splice(Math.max(0, model.length - back));
          removal = front + back > 0;
          break;
        }
        case 9: { // a clone of another list replaces this one
          const j = int(3);
          lists[k] = lists[j].clone();
          models[k] = [...models[j]];
          packed[k] = packed[j];
          break;
        }
        case 10: { // reads in a random order
          for (let r = 0; r < 4 && n > 0; r++) {
            const i = int(n);
            assertEquals(list.at(i), model[i]);
            assertTrue(list.equalsBytes(i, bytesOf(model[i])));
          }
          const target = n > 0 && rnd() < 0.7 ? model[int(n)] : m;
          assertEquals(list.indexOf(bytesOf(target)), model.indexOf(target));
          break;
        }
        case 11:
          if (rnd() < 0.2) {
            lists[k] = ListValue.fromArray(model);
            packed[k] = fits(model);
          }
          break;
      }
      // The form the rules give: a packed list moves to the ring when it no
      // longer fits; a ring is packed again after a removal leaves at most
      // FEW_MAX / 2 members, all short enough (an emptied list is packed).
      const now = models[k];
      if (packed[k] && !fits(now)) packed[k] = false;
      else if (!packed[k] && removal && now.length <= FEW_MAX / 2 && fits(now)) packed[k] = true;
      cases++;
      const l = lists[k];
      assertEquals(l.size, now.length, `seed ${seed} op ${op} size`);
      if (packed[k]) {
        assertEquals(l.memoryUsage(), packedMemory(now), `seed ${seed} op ${op}: packed`);
        packedChecks++;
      } else {
        assertTrue(l.memoryUsage() > packedMemory(now), `seed ${seed} op ${op}: a ring`);
        ringChecks++;
      }
      if (op % 10 === 0) {
        for (let j = 0; j < 3; j++) {
          checkAllReads(lists[j], models[j], `seed ${seed} op ${op} list ${j}`);
        }
      } else check(l, now, `seed ${seed} op ${op}`);
    }
  }
  assertEquals(cases, SEQUENCES * OPS);
  // Both forms and the conversions between them were exercised.
  assertTrue(packedChecks > cases / 2, `packed checks ${packedChecks}`);
  assertTrue(ringChecks > cases / 20, `ring checks ${ringChecks}`);
});
