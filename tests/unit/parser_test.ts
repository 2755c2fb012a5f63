import { assertEquals, assertTrue } from "../helpers/assert.ts";
import { encodeCommand, latin1 } from "../helpers/client.ts";
import {
  type ParserLimits,
  ProtocolError,
  QueryBufferLimitError,
  RequestParser,
} from "../../src/resp/parser.ts";
import { splitInlineArgs } from "../../src/resp/inline.ts";

const LIMITS: ParserLimits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1024 * 1024 * 1024,
  authRequired: false,
};

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

/** Feeds chunks and collects every command as latin1 strings. */
function parseChunks(chunks: Uint8Array[], limits = LIMITS): string[][] {
  const p = new RequestParser(limits);
  const out: string[][] = [];
  for (const chunk of chunks) {
    p.feed(chunk);
    for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv.map(latin1));
  }
  return out;
}

/**
 * The protocol error a request raises, or "no error". Also checks that the
 * error leaves the parser where it was, so the next call raises it again:
 * the server may parse a command ahead of running it (Client.parseAhead) and
 * relies on meeting the same error when it parses in its turn.
 */
function parseError(text: string, limits = LIMITS): string {
  const p = new RequestParser(limits);
  p.feed(bytes(text));
  const nextError = (): string => {
    try {
      while (p.next() !== null);
    } catch (e) {
      if (e instanceof ProtocolError) return e.message;
      throw e;
    }
    return "no error";
  };
  const message = nextError();
  if (message !== "no error") {
    // At once: a command made from what the failed call had parsed would be wrong.
    let again = "a command";
    try {
      p.next();
    } catch (e) {
      again = e instanceof ProtocolError ? e.message : String(e);
    }
    assertEquals(again, message, "a protocol error is raised again by the next call");
  }
  return message;
}

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("parser: multibulk and inline commands in one pipeline", () => {
  const stream = new Uint8Array([
    ...encodeCommand(["SET", "k", "v"]),
    ...bytes("PING\r\n"),
    ...bytes("  get   \"a b\"  'c d'\n"),
    ...encodeCommand(["ECHO", ""]),
  ]);
  assertEquals(parseChunks([stream]), [["SET", "k", "v"], ["PING"], ["get", "a b", "c d"], [
    "ECHO",
    "",
  ]]);
});

Deno.test("parser: every byte split of many pipelines gives the same commands", () => {
  const random = rng(42);
  let cases = 0;
  for (let round = 0; round < 40; round++) {
    const commands: string[][] = [];
    const parts: number[] = [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const argc = 1 + Math.floor(random() * 4);
      const argv: string[] = [];
      for (let j = 0; j < argc; j++) {
        const len = Math.floor(random() * 12);
        let s = "";
        for (let k = 0; k < len; k++) s += String.fromCharCode(Math.floor(random() * 256));
        argv.push(s);
      }
      commands.push(argv);
      parts.push(...encodeCommand(argv.map(bytes)));
    }
    const stream = new Uint8Array(parts);
    for (let split = 0; split <= stream.length; split++) {
      for (const second of [split, Math.min(stream.length, split + 3)]) {
        const chunks = [
          stream.subarray(0, split),
          stream.subarray(split, second),
          stream.subarray(second),
        ];
        assertEquals(parseChunks(chunks), commands);
        cases++;
      }
    }
    // One byte at a time.
    assertEquals(parseChunks([...stream].map((b) => new Uint8Array([b]))), commands);
    cases++;
  }
  assertTrue(cases > 2000, `only ${cases} cases ran`);
});

Deno.test("parser: commands with many arguments, split anywhere, after short ones", () => {
  const wide = Array.from({ length: 3000 }, (_, i) => `arg:${i}`);
  const stream = new Uint8Array([
    ...encodeCommand(["GET", "k"]),
    ...encodeCommand(["MSET", ...wide]),
    ...encodeCommand(["PING"]),
    ...encodeCommand(["SADD", ...wide.slice(0, 40)]),
  ]);
  const expected = [["GET", "k"], ["MSET", ...wide], ["PING"], ["SADD", ...wide.slice(0, 40)]];
  let cases = 0;
  for (const size of [1, 7, 100, 4096, stream.length]) {
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < stream.length; off += size) {
      chunks.push(stream.subarray(off, off + size));
    }
    assertEquals(parseChunks(chunks), expected);
    cases++;
  }
  assertEquals(cases, 5);
});

Deno.test("parser: a recycled parser still parses what it is fed, in a fresh buffer", () => {
  const p = new RequestParser(LIMITS);
  p.feed(encodeCommand(["GET", "a"]));
  assertEquals(p.next()!.map(latin1), ["GET", "a"]);
  p.recycle();
  p.feed(encodeCommand(["SET", "k", "v"]));
  assertEquals(p.next()!.map(latin1), ["SET", "k", "v"]);
});

Deno.test("parser: arguments landing where the last ones did reuse their views, showing the new bytes", () => {
  const p = new RequestParser(LIMITS);
  const read = (args: string[]) => {
    p.feed(encodeCommand(args));
    return p.next()!;
  };
  const first = read(["GET", "key:1"]);
  const second = read(["get", "key:2"]);
  assertEquals(second.map(latin1), ["get", "key:2"]);
  assertTrue(second[0] === first[0] && second[1] === first[1], "the views are reused");
  assertEquals(first.map(latin1), ["get", "key:2"], "a view shows what the buffer holds now");
  // Other lengths get new views; so do arguments past the first four.
  const third = read(["SET", "key:10", "v", "w", "x"]);
  assertEquals(third.map(latin1), ["SET", "key:10", "v", "w", "x"]);
  assertTrue(third[1] !== second[1]);
  assertTrue(read(["SET", "key:11", "v", "w", "y"])[4] !== third[4]);
  // Once the buffer grew for a large value, views come from the new buffer.
  const big = read(["SET", "k", "x".repeat(200_000)]);
  assertEquals(latin1(big[0]), "SET");
  assertEquals(big[2].length, 200_000);
  assertEquals(read(["GET", "key:9"]).map(latin1), ["GET", "key:9"]);
  assertEquals(read(["get", "key:8"]).map(latin1), ["get", "key:8"]);
});

Deno.test("parser: a large bulk arriving in small chunks is assembled once", () => {
  const value = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
  const stream = encodeCommand(["SET", "big", value]);
  const p = new RequestParser(LIMITS);
  let got: Uint8Array[] | null = null;
  let feeds = 0;
  for (let off = 0; off < stream.length; off += 1000) {
    p.feed(stream.subarray(off, off + 1000));
    feeds++;
    const argv = p.next();
    if (argv) got = argv.map((a) => a.slice());
  }
  assertTrue(got !== null);
  assertEquals(got![2].length, value.length);
  assertEquals(got![2][123456], value[123456]);
  assertTrue(feeds > 3000);
  // The buffer grew with the data, never beyond what the bulk needs plus slack.
  assertTrue(p.capacity < value.length * 2 + 64 * 1024, `capacity ${p.capacity}`);
});

Deno.test("parser: announced sizes are not allocated up front", () => {
  const p = new RequestParser(LIMITS);
  p.feed(bytes("*1\r\n$500000000\r\nabc"));
  assertEquals(p.next(), null);
  assertTrue(p.capacity < 1024 * 1024, `capacity ${p.capacity}`);
});

Deno.test("parser: Redis's protocol errors", () => {
  assertEquals(parseError("*abc\r\n"), "Protocol error: invalid multibulk length");
  assertEquals(parseError("*3000000000\r\n"), "Protocol error: invalid multibulk length");
  assertEquals(parseError("*1\r\n$-1\r\n"), "Protocol error: invalid bulk length");
  assertEquals(parseError("*1\r\n$x\r\n"), "Protocol error: invalid bulk length");
  assertEquals(parseError("*1\r\n$01\r\na\r\n"), "Protocol error: invalid bulk length");
  assertEquals(parseError("*1\r\n$600000000\r\n"), "Protocol error: invalid bulk length");
  assertEquals(parseError("*1\r\n+foo\r\n"), "Protocol error: expected '$', got '+'");
  // After arguments of the same command (a pipeline cut short and followed by another).
  assertEquals(
    parseError("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n*2\r\n$4\r\nINCR\r\n"),
    "Protocol error: expected '$', got '*'",
  );
  assertEquals(parseError("*2\r\n$1\r\na\r\n$x\r\n"), "Protocol error: invalid bulk length");
  assertEquals(parseError('SET "a b\r\n'), "Protocol error: unbalanced quotes in request");
  assertEquals(parseError("GET 'a'b\r\n"), "Protocol error: unbalanced quotes in request");
  assertEquals(parseError("x".repeat(70 * 1024)), "Protocol error: too big inline request");
  assertEquals(
    parseError("*" + "1".repeat(70 * 1024)),
    "Protocol error: too big mbulk count string",
  );
  assertEquals(
    parseError("*1\r\n$" + "1".repeat(70 * 1024)),
    "Protocol error: too big bulk count string",
  );
  const unauth = { ...LIMITS, authRequired: true };
  assertEquals(parseError("*11\r\n", unauth), "Protocol error: unauthenticated multibulk length");
  assertEquals(
    parseError("*1\r\n$16385\r\n", unauth),
    "Protocol error: unauthenticated bulk length",
  );
  assertEquals(parseError("*1\r\n$16384\r\n", unauth), "no error");
});

Deno.test("parser: empty multibulks and blank inline lines are skipped", () => {
  assertEquals(parseChunks([bytes("*0\r\n*-1\r\n\r\n   \n*1\r\n$4\r\nPING\r\n")]), [["PING"]]);
});

Deno.test("parser: query buffer limit", () => {
  const p = new RequestParser({ ...LIMITS, queryBufferLimit: 1024 });
  let error: unknown = null;
  try {
    p.feed(bytes("*1\r\n$5000\r\n" + "x".repeat(2000)));
  } catch (e) {
    error = e;
  }
  assertTrue(error instanceof QueryBufferLimitError);
});

Deno.test("parser: random bytes never throw anything but ProtocolError and never hang", () => {
  const random = rng(7);
  let cases = 0;
  let protocolErrors = 0;
  for (let i = 0; i < 3000; i++) {
    const len = Math.floor(random() * 200);
    const data = new Uint8Array(len);
    const alphabet = [42, 36, 13, 10, 48, 49, 50, 45, 32, 34, 39, 92, 0, 97];
    for (let j = 0; j < len; j++) {
      data[j] = random() < 0.7
        ? alphabet[Math.floor(random() * alphabet.length)]
        : Math.floor(random() * 256);
    }
    const p = new RequestParser(LIMITS);
    try {
      p.feed(data);
      let guard = 0;
      while (p.next() !== null) {
        if (++guard > len + 1) throw new Error("parser produced more commands than bytes");
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      protocolErrors++;
    }
    cases++;
  }
  assertEquals(cases, 3000);
  assertTrue(protocolErrors > 100, `only ${protocolErrors} inputs hit protocol errors`);
});

Deno.test("inline: sdssplitargs quoting rules", () => {
  const split = (text: string) => splitInlineArgs(bytes(text))?.map(latin1) ?? null;
  assertEquals(split('set "a\\x41\\n" b'), ["set", "aA\n", "b"]);
  assertEquals(split("set 'it\\'s' x"), ["set", "it's", "x"]);
  assertEquals(split('a "\\q" b'), ["a", "q", "b"]);
  assertEquals(split('foo"bar baz"'), ["foobar baz"]);
  assertEquals(split('"unterminated'), null);
  assertEquals(split('"a"b'), null);
  assertEquals(split("\t a \t b \t"), ["a", "b"]);
  assertEquals(split('""'), [""]);
  assertEquals(split('"\\xzz"'), ["xzz"]);
});

Deno.test("inline: sdssplitargs separators and NUL, as redis-server splits them", () => {
  // Found by the protocol fuzzer: Rift split on \v and \f and read past NUL.
  const split = (text: string) => splitInlineArgs(bytes(text))?.map(latin1) ?? null;
  assertEquals(split("a\fb c"), ["a\fb", "c"]);
  assertEquals(split("a\vb\v c"), ["a\vb\v", "c"]);
  assertEquals(split("\f\v a b"), ["a", "b"]);
  assertEquals(split("echo a\0b c"), ["echo", "a"]);
  assertEquals(split("\0echo x"), []);
  assertEquals(split('echo "a\0b"'), null);
  assertEquals(split("echo 'a\0'"), null);
  assertEquals(split('echo "ab"\0x'), ["echo", "ab"]);
  assertEquals(split('echo "ab"\fx'), ["echo", "ab", "x"]);
});
