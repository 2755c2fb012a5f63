import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { type CommandArg, parseSyntax, renderUsage } from "../../src/commands/syntax.ts";
import {
  cAtoi,
  commandKeys,
  KEY_ACCESS,
  KEY_INCOMPLETE,
  KEY_OW,
  KEY_RO,
  KEY_RW,
  KEY_UPDATE,
  keyFlagNames,
  keysFromSpecs,
  legacyKeyRange,
  parseKeySpec,
} from "../../src/commands/key_specs.ts";
import { bitfieldKeys, numkeysFinder, setKeys } from "../../src/commands/key_finders.ts";
import { command } from "../../src/commands/spec.ts";
import { ALL_COMMANDS } from "../../src/commands/mod.ts";

const enc = new TextEncoder();

/** Asserts that `fn` throws an error whose message contains `text`. */
function assertThrows(fn: () => unknown, text = "", what = ""): void {
  let message: string | null = null;
  try {
    fn();
  } catch (e) {
    message = (e as Error).message;
  }
  assertTrue(message !== null && message.includes(text), `${what}: ${message}`);
}
const argv = (...words: string[]) => words.map((w) => enc.encode(w));

// ------------------------------------------------------------ syntax notation

Deno.test("syntax: words, tokens, optional groups, alternatives and annotations", () => {
  const args = parseSyntax(
    "key value [NX | XX]{condition 2.6.12} [GET]{6.2.0} [EX seconds{2.6.12} | KEEPTTL{6.0.0}]{expiration}",
    1,
  );
  const expected: CommandArg[] = [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string" },
    {
      name: "condition",
      type: "oneof",
      optional: true,
      since: "2.6.12",
      arguments: [
        { name: "nx", type: "pure-token", token: "NX" },
        { name: "xx", type: "pure-token", token: "XX" },
      ],
    },
    { name: "get", type: "pure-token", token: "GET", optional: true, since: "6.2.0" },
    {
      name: "expiration",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "seconds", type: "integer", token: "EX", since: "2.6.12" },
        { name: "keepttl", type: "pure-token", token: "KEEPTTL", since: "6.0.0" },
      ],
    },
  ];
  assertEquals(args, expected);
  assertEquals(
    renderUsage(args),
    "key value [NX | XX] [GET] [EX seconds | KEEPTTL]",
  );
});

Deno.test("syntax: repetitions (multiple, blocks, multiple_token, optional)", () => {
  assertEquals(parseSyntax("key [key ...]", 1), [
    { name: "key", type: "key", keySpecIndex: 0, multiple: true },
  ]);
  assertEquals(parseSyntax("key value [key value ...]", 1), [{
    name: "key_value",
    type: "block",
    multiple: true,
    arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "value", type: "string" }],
  }]);
  assertEquals(parseSyntax("[WEIGHTS weight [weight ...]]", 0), [
    { name: "weight", type: "integer", token: "WEIGHTS", multiple: true, optional: true },
  ]);
  assertEquals(parseSyntax("[GET pattern [GET pattern ...]]{ks:0}", 1), [{
    name: "pattern",
    type: "pattern",
    token: "GET",
    keySpecIndex: 0,
    multiple: true,
    multipleToken: true,
    optional: true,
  }]);
  assertEquals(parseSyntax("[field ...]", 0), [
    { name: "field", type: "string", multiple: true, optional: true },
  ]);
  assertEquals(parseSyntax("parameter [parameter ...]{block}", 0), [{
    name: "parameter",
    type: "block",
    multiple: true,
    arguments: [{ name: "parameter", type: "string" }],
  }]);
  for (
    const usage of [
      "key [key ...]",
      "key value [key value ...]",
      "[WEIGHTS weight [weight ...]]",
      "[GET pattern [GET pattern ...]]",
      "[field [field ...]]",
    ]
  ) {
    assertEquals(renderUsage(parseSyntax(usage, 1)), usage);
  }
});

Deno.test("syntax: token blocks, tokens on groups, forced blocks, backquoted tokens", () => {
  assertEquals(parseSyntax("[LIMIT offset count]", 0), [{
    name: "offset_count",
    type: "block",
    token: "LIMIT",
    optional: true,
    arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
  }]);
  assertEquals(parseSyntax("[AGGREGATE <SUM | MAX>]{aggregate}", 0), [{
    name: "aggregate",
    type: "oneof",
    token: "AGGREGATE",
    optional: true,
    arguments: [
      { name: "sum", type: "pure-token", token: "SUM" },
      { name: "max", type: "pure-token", token: "MAX" },
    ],
  }]);
  assertEquals(parseSyntax("[ID client-id [client-id ...]]{id block}", 0), [{
    name: "id",
    type: "block",
    token: "ID",
    optional: true,
    arguments: [{ name: "client-id", type: "integer", multiple: true }],
  }]);
  assertEquals(parseSyntax("<`*`{auto_id} | id>{id_or_auto}", 0), [{
    name: "id_or_auto",
    type: "oneof",
    arguments: [
      { name: "auto_id", type: "pure-token", token: "*" },
      { name: "id", type: "string" },
    ],
  }]);
  assertEquals(renderUsage(parseSyntax("<`*` | id>", 0)), "<* | id>");
  assertEquals(
    renderUsage(parseSyntax("[FILTERBY <MODULE module-name | PATTERN pattern>]{filterby}", 0)),
    "[FILTERBY <MODULE module-name | PATTERN pattern>]",
  );
});

Deno.test("syntax: types, deprecation and key spec indexes from annotations", () => {
  assertEquals(parseSyntax("start{string} value{integer} old{deprecated:2.8.12}", 0), [
    { name: "start", type: "string" },
    { name: "value", type: "integer" },
    { name: "old", type: "string", deprecatedSince: "2.8.12" },
  ]);
  // Key arguments take the next key spec index unless told.
  assertEquals(
    parseSyntax("key [BY pattern]{ks:1} destination", 3).map((a) => a.keySpecIndex),
    [0, 1, 2],
  );
});

Deno.test("syntax: malformed notations are refused", () => {
  for (
    const bad of [
      "[key",
      "key]",
      "<a | b",
      "{name} key",
      "[]",
      "... key",
      "key{a b}",
      "key source",
      "key {unclosed",
      "key } x",
    ]
  ) {
    assertThrows(() => parseSyntax(bad, 1), "", bad);
  }
});

Deno.test("syntax: every declared command parses and renders a usage line", () => {
  let n = 0;
  for (const spec of ALL_COMMANDS) {
    for (const s of [spec, ...(spec.subcommands ?? [])]) {
      if (s.syntax === undefined) continue;
      assertEquals(parseSyntax(s.syntax, s.keySpecs.length), s.args as CommandArg[]);
      assertEquals(s.usage.includes("{"), false, s.name);
      n++;
    }
  }
  assertTrue(n >= 180, `${n}`);
});

Deno.test("specs: every command and subcommand has the same properties in the same order", () => {
  // One property list means one hidden class for all specs, so the
  // dispatcher's reads of spec fields stay monomorphic across commands.
  const specs = ALL_COMMANDS.flatMap((spec) => [spec, ...(spec.subcommands ?? [])]);
  const shape = Object.keys(specs[0]).join(",");
  for (const spec of specs) assertEquals(Object.keys(spec).join(","), shape, spec.name);
  assertTrue(specs.length >= 240, `${specs.length}`);
  assertTrue(shape.includes("handler") && shape.includes("subcommands"), shape);
});

// ------------------------------------------------------------ key specs

Deno.test("key specs: notation, defaults and flag order", () => {
  assertEquals(parseKeySpec("RO access"), {
    flags: KEY_RO | KEY_ACCESS,
    begin: { type: "index", index: 1 },
    find: { type: "range", lastKey: 0, keyStep: 1, limit: 0 },
  });
  assertEquals(parseKeySpec("OW update range:-1:2"), {
    flags: KEY_OW | KEY_UPDATE,
    begin: { type: "index", index: 1 },
    find: { type: "range", lastKey: -1, keyStep: 2, limit: 0 },
  });
  assertEquals(parseKeySpec("RO access keyword:STREAMS:1 range:-1:1:2").begin, {
    type: "keyword",
    keyword: "STREAMS",
    startFrom: 1,
  });
  assertEquals(parseKeySpec("RW access index:2 keynum:0:1:1").find, {
    type: "keynum",
    keyNumIndex: 0,
    firstKey: 1,
    keyStep: 1,
  });
  assertEquals(parseKeySpec("OW update unknown").begin, { type: "unknown" });
  assertEquals(keyFlagNames(parseKeySpec("variable_flags update RW incomplete access").flags), [
    "RW",
    "access",
    "update",
    "incomplete",
    "variable_flags",
  ]);
  for (
    const bad of ["RX", "index:x", "range:1:2:3:4", "keynum:1", "index:1 index:2", "keyword:A"]
  ) {
    assertThrows(() => parseKeySpec(bad), "", bad);
  }
});

Deno.test("key specs: the legacy first/last/step range and movablekeys, as Redis derives them", () => {
  const range = (...specs: string[]) => legacyKeyRange(specs.map(parseKeySpec));
  assertEquals(range(), { firstKey: 0, lastKey: 0, step: 0, movable: false });
  assertEquals(range("RO access"), { firstKey: 1, lastKey: 1, step: 1, movable: false });
  assertEquals(range("OW update range:-1:2"), {
    firstKey: 1,
    lastKey: -1,
    step: 2,
    movable: false,
  });
  assertEquals(range("RW index:2"), { firstKey: 2, lastKey: 2, step: 1, movable: false });
  assertEquals(range("RW incomplete"), { firstKey: 1, lastKey: 1, step: 1, movable: true });
  // LMOVE: two consecutive single keys merge.
  assertEquals(range("RW", "RW index:2"), { firstKey: 1, lastKey: 2, step: 1, movable: false });
  // SINTERSTORE: destination then all the rest.
  assertEquals(range("OW", "RO index:2 range:-1"), {
    firstKey: 1,
    lastKey: -1,
    step: 1,
    movable: false,
  });
  // ZUNIONSTORE: the key count makes the inputs movable.
  assertEquals(range("OW", "RO index:2 keynum:0:1:1"), {
    firstKey: 1,
    lastKey: 1,
    step: 1,
    movable: true,
  });
  // A gap, or a step other than 1 among several specs, is movable.
  assertEquals(range("RW", "RW index:3"), { firstKey: 1, lastKey: 1, step: 1, movable: true });
  assertEquals(range("RW", "RW index:2 range:-1:2"), {
    firstKey: 1,
    lastKey: 1,
    step: 1,
    movable: true,
  });
  // Only keyword searches: no legacy range at all.
  assertEquals(range("RO keyword:STREAMS:1 range:-1:1:2"), {
    firstKey: 0,
    lastKey: 0,
    step: 0,
    movable: true,
  });
});

Deno.test("key specs: finding keys by index, keyword (both directions), range limit and key count", () => {
  const find = (spec: string, ...words: string[]) =>
    keysFromSpecs([parseKeySpec(spec)], argv(...words))?.map((k) => k.pos) ?? null;
  assertEquals(find("RO", "get", "k"), [1]);
  assertEquals(find("RO range:-1", "del", "a", "b", "c"), [1, 2, 3]);
  assertEquals(find("RO range:-2", "blpop", "a", "b", "0"), [1, 2]);
  assertEquals(find("OW range:-1:2", "mset", "a", "1", "b", "2"), [1, 3]);
  // XREAD-like: keys are the first half after STREAMS.
  assertEquals(
    find("RO keyword:STREAMS:1 range:-1:1:2", "xread", "COUNT", "1", "streams", "a", "b", "1", "2"),
    [4, 5],
  );
  // Searching backwards from the end finds the last occurrence.
  assertEquals(find("RW keyword:KEYS:-2 range:-1", "m", "KEYS", "x", "keys", "a", "b"), [4, 5]);
  assertEquals(find("RW keyword:KEYS:-2 range:-1", "m", "a", "b"), []);
  assertEquals(find("RO keynum:0:1:1", "zunion", "2", "a", "b", "WITHSCORES"), [2, 3]);
  for (const count of ["0", "-1", "x", "2x", " 2", "3"]) {
    assertEquals(find("RO keynum:0:1:1", "zunion", count, "a", "b"), null, count);
  }
  assertEquals(find("RO incomplete", "get", "k"), null);
  assertEquals(find("RO unknown", "sort", "k"), null);
});

Deno.test("key finders: key counts read as C's atoi, SET and BITFIELD flags", () => {
  assertEquals(
    [
      "12",
      " 7",
      "+3",
      "-4",
      "2x",
      "x",
      "",
      "\t\n 5",
      "4294967297",
      "99999999999999999999",
      "-99999999999999999999",
    ]
      .map((s) => cAtoi(enc.encode(s))),
    [12, 7, 3, -4, 2, 0, 0, 5, 1, -1, 0],
  );
  const pos = (keys: { pos: number }[]) => keys.map((k) => k.pos);
  const zunionstore = numkeysFinder(2, 1);
  assertEquals(pos(zunionstore(argv("zunionstore", "d", "2x", "a", "b"))), [3, 4, 1]);
  assertEquals(pos(zunionstore(argv("zunionstore", "d", "3", "a", "b"))), []);
  assertEquals(pos(zunionstore(argv("zunionstore", "d", "0", "a"))), []);
  assertEquals(setKeys(argv("set", "k", "v"))[0].flags, KEY_OW | KEY_UPDATE);
  assertEquals(
    setKeys(argv("set", "k", "v", "NX", "gEt"))[0].flags,
    KEY_RW | KEY_ACCESS | KEY_UPDATE,
  );
  assertEquals(
    setKeys(argv("set", "k", "v", "get\0more"))[0].flags,
    KEY_RW | KEY_ACCESS | KEY_UPDATE,
  );
  assertEquals(setKeys(argv("set", "k", "get"))[0].flags, KEY_OW | KEY_UPDATE);
  assertEquals(bitfieldKeys(argv("bitfield", "k"))[0].flags, KEY_RO | KEY_ACCESS);
  assertEquals(
    bitfieldKeys(argv("bitfield", "k", "GET", "u8", "0", "overflow", "wrap"))[0].flags,
    KEY_RO | KEY_ACCESS,
  );
  assertEquals(
    bitfieldKeys(argv("bitfield", "k", "GET", "u8"))[0].flags,
    KEY_RW | KEY_ACCESS | KEY_UPDATE,
  );
});

Deno.test("key specs: commands use specs when they can, their finder when specs fail or flags vary", () => {
  const zunionstore = command({
    name: "zunionstore",
    arity: -4,
    flags: ["write"],
    keySpecs: ["OW update", "RO access index:2 keynum:0:1:1"],
    keys: numkeysFinder(2, 1),
    group: "sorted-set",
    since: "2.0.0",
    summary: "",
  });
  assertEquals(zunionstore.movableKeys, true);
  assertEquals(commandKeys(zunionstore, argv("zunionstore", "d", "2", "a", "b")), [
    { pos: 1, flags: KEY_OW | KEY_UPDATE },
    { pos: 3, flags: KEY_RO | KEY_ACCESS },
    { pos: 4, flags: KEY_RO | KEY_ACCESS },
  ]);
  // The spec refuses "2x"; the finder reads 2 and reports no flags, destination last.
  assertEquals(commandKeys(zunionstore, argv("zunionstore", "d", "2x", "a", "b")), [
    { pos: 3, flags: 0 },
    { pos: 4, flags: 0 },
    { pos: 1, flags: 0 },
  ]);
  const sortLike = command({
    name: "sortlike",
    arity: -2,
    flags: ["write"],
    keySpecs: ["RO access", "OW update incomplete unknown"],
    group: "generic",
    since: "1.0.0",
    summary: "",
  });
  assertEquals(commandKeys(sortLike, argv("sortlike", "k")), []);
  assertEquals(parseKeySpec("RO incomplete").flags & KEY_INCOMPLETE, KEY_INCOMPLETE);
});

Deno.test("spec declarations: a bad key spec or syntax fails when the module loads", () => {
  const base = {
    name: "x",
    arity: 2,
    flags: [],
    group: "generic",
    since: "1.0.0",
    summary: "",
  } as const;
  assertThrows(() => command({ ...base, flags: [], keySpecs: ["RO bogus"] }), "bogus");
  assertThrows(() => command({ ...base, flags: [], syntax: "[key" }), "x:");
  // A key argument needs a key spec to point at.
  assertThrows(() => command({ ...base, flags: [], syntax: "key" }), "key spec 0");
});
