/**
 * The AOF manifest (Redis 7's format, its checks and messages) and the
 * command parser of AOF files (annotations, commands cut short, bad bytes
 * reported with their offset).
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { AofManifest, ManifestError } from "../../src/persistence/aof_manifest.ts";
import { AofFormatError, parseAofCommand } from "../../src/persistence/aof_parser.ts";

Deno.test("aof manifest: parses Redis's format, in any field order, with comments", () => {
  const m = AofManifest.parse(
    "# a comment\n" +
      "file appendonly.aof.2.base.rdb seq 2 type b\n" +
      "file appendonly.aof.1.incr.aof seq 1 type h\n" +
      "seq 3 type i file appendonly.aof.3.incr.aof\n" +
      'file "with space.aof" seq 4 type i extra field\n',
  );
  assertEquals(m.base, { name: "appendonly.aof.2.base.rdb", seq: 2, type: "b" });
  assertEquals(m.history.map((f) => f.name), ["appendonly.aof.1.incr.aof"]);
  assertEquals(m.incrs.map((f) => f.name), ["appendonly.aof.3.incr.aof", "with space.aof"]);
  assertEquals([m.baseSeq, m.incrSeq], [2, 4]);
  assertEquals(m.loadOrder.map((f) => f.seq), [2, 3, 4]);
  assertEquals(
    m.format(),
    "file appendonly.aof.2.base.rdb seq 2 type b\n" +
      "file appendonly.aof.1.incr.aof seq 1 type h\n" +
      "file appendonly.aof.3.incr.aof seq 3 type i\n" +
      'file "with space.aof" seq 4 type i\n',
  );
});

Deno.test("aof manifest: refuses what Redis refuses, with its messages", () => {
  const cases: [string, RegExp][] = [
    ["", /Found an empty AOF manifest/],
    ["file a seq 1 type b\nfile b seq 2 type b\n", /Found duplicate base file information/],
    ["file a seq 2 type i\nfile b seq 2 type i\n", /Found a non-monotonic sequence number/],
    ["file a seq 1 type x\n", /Unknown AOF file type/],
    ["file dir/a seq 1 type i\n", /File can't be a path, just a filename/],
    ["file a seq 1\n", /Invalid AOF manifest file format/],
    ["file a seq 0 type i\n", /Invalid AOF manifest file format/],
    ["\n", /Invalid AOF manifest file format/],
  ];
  for (const [text, message] of cases) {
    let error: unknown = null;
    try {
      AofManifest.parse(text);
    } catch (e) {
      error = e;
    }
    assertTrue(error instanceof ManifestError, `no error for ${JSON.stringify(text)}`);
    assertTrue(message.test((error as Error).message), (error as Error).message);
  }
});

Deno.test("aof manifest: a rewrite names the next base, keeps the last incr file and retires the rest", () => {
  const m = AofManifest.parse(
    "file appendonly.aof.1.base.rdb seq 1 type b\n" +
      "file appendonly.aof.1.incr.aof seq 1 type i\n" +
      "file appendonly.aof.2.incr.aof seq 2 type i\n",
  );
  const next = m.clone();
  assertEquals(next.newIncr("appendonly.aof").name, "appendonly.aof.3.incr.aof");
  assertEquals(next.newBase("appendonly.aof", false).name, "appendonly.aof.2.base.aof");
  next.retireIncrs(true);
  assertEquals(
    next.format(),
    "file appendonly.aof.2.base.aof seq 2 type b\n" +
      "file appendonly.aof.1.incr.aof seq 1 type h\n" +
      "file appendonly.aof.2.incr.aof seq 2 type h\n" +
      "file appendonly.aof.1.base.rdb seq 1 type h\n" +
      "file appendonly.aof.3.incr.aof seq 3 type i\n",
  );
  assertEquals(m.incrs.length, 2, "the original is untouched");
});

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array) => String.fromCharCode(...b);

Deno.test("aof parser: commands, annotations, commands cut short and bad bytes", () => {
  const text =
    "#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\x00\n\r\n";
  const input = { buf: enc(text), pos: 0, base: 100 };
  assertEquals(parseAofCommand(input)!.map(dec), ["SELECT", "0"]);
  assertEquals(parseAofCommand(input)!.map(dec), ["SET", "k", "v\x00\n"]);
  assertEquals(input.pos, text.length);
  assertEquals(parseAofCommand(input), null);

  // Every prefix of a command is "not complete yet", never an error.
  const command = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\n";
  for (let cut = 0; cut < command.length; cut++) {
    const partial = { buf: enc(command.slice(0, cut)), pos: 0, base: 0 };
    assertEquals(parseAofCommand(partial), null, `prefix of ${cut} bytes`);
    assertEquals(partial.pos, 0);
  }

  const bad: [string, number][] = [
    ["X3\r\n", 0],
    ["*0\r\n", 0],
    ["*1\r\n#3\r\nSET\r\n", 4],
    ["*1\r\n$3\r\nSETXX", 11],
    ["*1\r\n$x\r\nSET\r\n", 5],
  ];
  for (const [bytes, offset] of bad) {
    let error: unknown = null;
    try {
      parseAofCommand({ buf: enc(bytes), pos: 0, base: 1000 });
    } catch (e) {
      error = e;
    }
    assertTrue(error instanceof AofFormatError, `no error for ${JSON.stringify(bytes)}`);
    assertEquals((error as AofFormatError).offset, 1000 + offset, JSON.stringify(bytes));
  }
});
