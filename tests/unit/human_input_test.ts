import { INLINE_MAX_SIZE, LINE_TOO_LONG, LineInput } from "../../src/human/input.ts";
import { latin1, latin1Bytes } from "../../src/util/bytes.ts";
import { assertEquals } from "../helpers/assert.ts";

/** Feeds latin1 text (in the given pieces) and returns the lines queued. */
function lines(...pieces: string[]): (string | "TOO LONG")[] {
  const input = new LineInput();
  for (const piece of pieces) input.feed(latin1Bytes(piece));
  const out: (string | "TOO LONG")[] = [];
  for (let line = input.nextLine(); line !== null; line = input.nextLine()) {
    out.push(line === LINE_TOO_LONG ? "TOO LONG" : latin1(line));
  }
  return out;
}

Deno.test("human input: LF, CRLF, CR NUL and lone CR all end lines", () => {
  assertEquals(lines("GET a\nGET b\r\nGET c\r\0GET d\rGET e\n"), [
    "GET a",
    "GET b",
    "GET c",
    "GET d",
    "GET e",
  ]);
});

Deno.test("human input: a CRLF split across reads is one line end", () => {
  assertEquals(lines("PING\r", "\nPING\r", "\0", "x\n"), ["PING", "PING", "x"]);
});

Deno.test("human input: a line waits for its end", () => {
  const input = new LineInput();
  input.feed(latin1Bytes("SET k v"));
  assertEquals(input.nextLine(), null);
  input.feed(latin1Bytes("alue\n"));
  assertEquals(latin1(input.nextLine() as Uint8Array), "SET k value");
  assertEquals(input.pendingBytes, 0);
});

Deno.test("human input: empty lines are kept for the session to skip", () => {
  assertEquals(lines("\n\r\nPING\n"), ["", "", "PING"]);
});

Deno.test("human input: backspace and DEL erase before parsing", () => {
  assertEquals(lines("GEX\bT a\n"), ["GET a"]);
  assertEquals(lines("GEX\x7fT a\n"), ["GET a"]);
  assertEquals(lines("\b\x7fPING\n"), ["PING"], "erasing at the start does nothing");
  assertEquals(lines("SET k ab\b\b\bxy\n"), ["SET kxy"]);
});

Deno.test("human input: backspace erases a whole UTF-8 character", () => {
  // "é" is C3 A9, "€" is E2 82 AC, "😀" is F0 9F 98 80.
  assertEquals(lines("SET k caf\xc3\xa9\b!\n"), ["SET k caf!"]);
  assertEquals(lines("SET k \xe2\x82\xac\x7f$\n"), ["SET k $"]);
  assertEquals(lines("SET k \xf0\x9f\x98\x80\b:)\n"), ["SET k :)"]);
  // A stray continuation byte is one character.
  assertEquals(lines("SET k a\xa9\b\n"), ["SET k a"]);
});

Deno.test("human input: Ctrl-U and telnet Erase Line / Erase Character", () => {
  assertEquals(lines("FLUSHALL\x15PING\n"), ["PING"]);
  assertEquals(lines("FLUSHALL\xff\xf8PING\n"), ["PING"]);
  assertEquals(lines("PINGG\xff\xf7\n"), ["PING"]);
});

Deno.test("human input: NUL bytes are dropped", () => {
  assertEquals(lines("PI\0NG\n"), ["PING"]);
});

Deno.test("human input: telnet negotiation is refused and never reaches a line", () => {
  const input = new LineInput();
  // WILL ECHO, DO SUPPRESS-GO-AHEAD, WONT LINEMODE, DONT ECHO, then text.
  const signals = input.feed(latin1Bytes("\xff\xfb\x01\xff\xfd\x03\xff\xfc\x22\xff\xfe\x01PING\n"));
  assertEquals(signals.answers, [0xff, 0xfe, 0x01, 0xff, 0xfc, 0x03]);
  assertEquals(latin1(input.nextLine() as Uint8Array), "PING");
});

Deno.test("human input: subnegotiation is skipped, including escaped 255s", () => {
  assertEquals(lines("PI\xff\xfa\x18\x00xterm\xff\xff\x01\xff\xf0NG\n"), ["PING"]);
});

Deno.test("human input: IAC IAC is a data byte 255", () => {
  assertEquals(lines("SET k \xff\xff\n"), ["SET k \xff"]);
});

Deno.test("human input: IAC sequences split across reads", () => {
  const input = new LineInput();
  assertEquals(input.feed(latin1Bytes("PI\xff")).answers, []);
  assertEquals(input.feed(latin1Bytes("\xfd")).answers, []);
  assertEquals(input.feed(latin1Bytes("\x06NG\n")).answers, [0xff, 0xfc, 0x06]);
  assertEquals(latin1(input.nextLine() as Uint8Array), "PING");
});

Deno.test("human input: telnet Ctrl-C (IP + DO TIMING-MARK) drops input and is answered", () => {
  const input = new LineInput();
  input.feed(latin1Bytes("PING\nBLPOP q 0\nhalf a li"));
  const signals = input.feed(latin1Bytes("\xff\xf4\xff\xfd\x06"));
  assertEquals(signals.interrupt, true);
  assertEquals(signals.answers, [0xff, 0xfc, 0x06], "WONT TIMING-MARK lets telnet show output");
  assertEquals(input.nextLine(), null, "queued and partial lines are dropped");
  input.feed(latin1Bytes("PING\n"));
  assertEquals(latin1(input.nextLine() as Uint8Array), "PING");
});

Deno.test("human input: Are You There is reported; other commands are ignored", () => {
  const input = new LineInput();
  const signals = input.feed(latin1Bytes("P\xff\xf6I\xff\xf1N\xff\xf9G\n"));
  assertEquals(signals.areYouThere, true);
  assertEquals(signals.interrupt, false);
  assertEquals(latin1(input.nextLine() as Uint8Array), "PING");
});

Deno.test("human input: a line over the inline limit is reported at once and dropped", () => {
  const input = new LineInput();
  const chunk = "x".repeat(8192);
  for (let n = 0; n < INLINE_MAX_SIZE; n += chunk.length) input.feed(latin1Bytes(chunk));
  assertEquals(input.nextLine(), null, "exactly the limit is still a line in progress");
  input.feed(latin1Bytes("y"));
  assertEquals(input.nextLine(), LINE_TOO_LONG, "reported before the line ends");
  input.feed(latin1Bytes(chunk + chunk + "\nPING\n"));
  assertEquals(
    latin1(input.nextLine() as Uint8Array),
    "PING",
    "the rest of the long line is skipped",
  );
  assertEquals(input.nextLine(), null);
});

Deno.test("human input: a line of exactly the limit is accepted", () => {
  const input = new LineInput();
  input.feed(latin1Bytes("x".repeat(INLINE_MAX_SIZE) + "\n"));
  assertEquals((input.nextLine() as Uint8Array).length, INLINE_MAX_SIZE);
});

Deno.test("human input: pendingBytes counts queued lines", () => {
  const input = new LineInput();
  input.feed(latin1Bytes("abc\ndefg\nhi"));
  assertEquals(input.pendingBytes, 7);
  input.nextLine();
  assertEquals(input.pendingBytes, 4);
});
