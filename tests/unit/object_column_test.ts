import { assertEquals } from "../helpers/assert.ts";
import { ObjectColumn } from "../../src/store/object_column.ts";
import { Rng } from "../helpers/hashsets.ts";

Deno.test("ObjectColumn: objects by entry number across chunks, undefined elsewhere", () => {
  const column = new ObjectColumn();
  assertEquals(column.capacity, 0);
  assertEquals(column.get(0), undefined);
  assertEquals(column.get(1 << 30), undefined);
  column.delete(123_456); // beyond the column: nothing to forget
  const far = { far: true };
  column.set(10_000, far);
  // Chunks of 4,096 slots up to the one holding entry 10,000.
  assertEquals(column.capacity, 3 * 4096);
  assertEquals(column.get(10_000), far);
  assertEquals(column.get(4095), undefined);
  column.set(4095, "last of the first chunk");
  column.set(4096, "first of the second");
  assertEquals([column.get(4095), column.get(4096)], [
    "last of the first chunk",
    "first of the second",
  ]);
  column.delete(4095);
  assertEquals(column.get(4095), undefined);
  assertEquals(column.get(3 * 4096), undefined);
});

Deno.test("ObjectColumn: scan visits held entries in order within its budget (property)", () => {
  let scans = 0;
  for (let seed = 1; seed <= 30; seed++) {
    const rng = new Rng(seed);
    const column = new ObjectColumn();
    const model = new Map<number, number>();
    const span = rng.pick([100, 5000, 40_000]);
    for (let i = 0; i < 2000; i++) {
      const id = rng.int(span);
      if (rng.chance(0.2)) {
        column.delete(id);
        model.delete(id);
      } else {
        column.set(id, i);
        model.set(id, i);
      }
    }
    const held = [...model.keys()].sort((a, b) => a - b);
    const seen: number[] = [];
    let cursor = 0;
    do {
      const count = rng.pick([1, 7, 100]);
      const from = cursor;
      const before = seen.length;
      cursor = column.scan(cursor, count, (id) => {
        assertEquals(column.get(id), model.get(id));
        seen.push(id);
      });
      scans++;
      // At most `count` visited, and at most count * 64 numbers looked at.
      assertEquals(seen.length - before <= count, true);
      if (cursor !== 0) assertEquals(cursor - from <= count * 64, true);
    } while (cursor !== 0);
    assertEquals(seen, held);
  }
  assertEquals(scans > 300, true, `scans ${scans}`);
});
