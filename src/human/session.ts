/**
 * A human connection: someone typing commands over telnet, nc or socat.
 *
 * Commands run through the normal dispatcher and write RESP into the
 * client's reply buffer like any other client's, so MULTI, blocking
 * commands, pub/sub messages, CLIENT REPLY and output limits behave exactly
 * as for RESP clients. The session only changes the two ends:
 *
 * - input: lines from {@link LineInput}, split with redis-cli's quoting;
 *   `HELP` and `QUIT`/`EXIT` are answered by the session itself;
 * - output: when the reply buffer is written, each RESP reply is rendered
 *   as redis-cli prints it ({@link renderReply}), with CRLF line ends
 *   (telnet's network line end, and what nc shows correctly).
 *
 * Text of the session's own (greeting, help, telnet answers) must come out
 * in order with the replies, so it travels through the same reply buffer
 * as a RESP3 attribute frame that only the session knows; another such
 * frame asks for the next reply to be printed raw, as redis-cli prints
 * `INFO` and `CLIENT LIST`.
 *
 * @module
 */

import { splitInlineArgs } from "../resp/inline.ts";
import { QueryBufferLimitError } from "../resp/parser.ts";
import { type Reply, ReplyParser } from "../resp/reply_parser.ts";
import { type Client, type ConnectionProtocol, ReplyMode } from "../server/client.ts";
import { latin1, latin1Bytes, lowerAscii, utf8 } from "../util/bytes.ts";
import { greeting, helpText, orList, suggestCommands, usageOf } from "./help.ts";
import { INLINE_MAX_SIZE, LINE_TOO_LONG, LineInput } from "./input.ts";
import { renderReply } from "./render.ts";

/** Attribute key of a frame carrying bytes to send as they are. */
const TEXT_FRAME = "rift-human-text";
/** Attribute key of a frame asking for the next reply to be printed raw. */
const RAW_FRAME = "rift-human-raw";
const RAW_FRAME_BYTES = latin1Bytes(`|1\r\n+${RAW_FRAME}\r\n#t\r\n`);

const SUBSCRIBE_COMMANDS = new Set(["subscribe", "psubscribe", "ssubscribe"]);

/** The human side of one connection. */
export class HumanSession implements ConnectionProtocol {
  private readonly input = new LineInput();
  private readonly replies = new ReplyParser();
  /** The next reply is printed raw (set by a raw frame). */
  private rawNext = false;

  constructor(private readonly c: Client) {
    this.say(greeting());
  }

  /** Reads typed bytes: lines are queued, telnet signals answered at once. */
  receive(bytes: Uint8Array): void {
    const signals = this.input.feed(bytes);
    if (this.input.pendingBytes > this.c.server.config.int("client-query-buffer-limit")) {
      throw new QueryBufferLimitError("query buffer limit reached");
    }
    if (signals.answers.length > 0) this.send(Uint8Array.from(signals.answers));
    if (signals.areYouThere) this.say("[Rift: yes]\n");
    if (signals.interrupt) this.interrupt();
  }

  /**
   * The next command to run. Lines that are empty, malformed or for the
   * session itself are handled here and skipped.
   */
  next(): Uint8Array[] | null {
    for (;;) {
      const line = this.input.nextLine();
      if (line === null) return null;
      if (line === LINE_TOO_LONG) {
        this.c.out.error(
          `ERR line too long (the limit is ${INLINE_MAX_SIZE} bytes): it was discarded`,
        );
        continue;
      }
      const argv = splitInlineArgs(line);
      if (argv === null) {
        this.c.out.error("ERR unbalanced quotes in the line: nothing was run");
        continue;
      }
      if (argv.length === 0) continue;
      const name = lowerAscii(argv[0]);
      if (name === "help") {
        this.say(helpText(this.c.server.commands, argv.slice(1).map(latin1)));
        continue;
      }
      if (name === "quit" || name === "exit") {
        this.say("Bye!\n");
        this.c.closeAfterReply = true;
        return null;
      }
      if (this.c.replyMode === ReplyMode.ON && printsRaw(name, argv)) {
        this.c.out.raw(RAW_FRAME_BYTES);
      }
      if (SUBSCRIBE_COMMANDS.has(name) && argv.length > 1 && !this.c.subscribed) {
        this.say("Reading messages... (UNSUBSCRIBE or RESET to stop, QUIT to leave)\n");
      }
      return argv;
    }
  }

  /** Renders the RESP written since the last call as text for the terminal. */
  render(resp: Uint8Array): Uint8Array {
    this.replies.feed(resp);
    let out = "";
    for (let next = this.replies.next(); next !== undefined; next = this.replies.next()) {
      const reply = next.reply;
      if (reply.type === "attribute") {
        out += this.sessionFrame(reply);
        continue;
      }
      const raw = this.rawNext;
      this.rawNext = false;
      if (raw && (reply.type === "bulk" || reply.type === "verbatim")) {
        out += crlf(latin1(reply.value)) + (endsWithNewline(reply.value) ? "" : "\r\n");
        continue;
      }
      out += crlf(renderReply(reply));
      if (reply.type === "error") out += crlf(this.hintFor(reply.text));
    }
    return latin1Bytes(out);
  }

  /** Bytes carried by a session frame; a raw frame marks the next reply. */
  private sessionFrame(reply: Extract<Reply, { type: "attribute" }>): string {
    for (const [key, value] of reply.entries) {
      if (key.type !== "simple") continue;
      if (key.text === TEXT_FRAME && value.type === "bulk") return latin1(value.value);
      if (key.text === RAW_FRAME) this.rawNext = true;
    }
    return "";
  }

  /** Extra help after an error: close command names, or the usage after an arity error. */
  private hintFor(error: string): string {
    const table = this.c.server.commands;
    const unknown = /^ERR unknown command '([^]*?)', with args beginning with: /.exec(error);
    if (unknown !== null) {
      const names = suggestCommands(table, unknown[1]);
      return names.length > 0 ? `Did you mean ${orList(names)}? HELP <command> shows usage.\n` : "";
    }
    const arity = /^ERR wrong number of arguments for '([^']*)' command$/.exec(error);
    if (arity !== null) {
      const usage = usageOf(table, arity[1]);
      return usage !== null ? `Usage: ${usage}\n` : "";
    }
    return "";
  }

  /**
   * Telnet's Ctrl-C: the typed input is already dropped; a blocking command
   * ends as if it timed out and a command held by CLIENT PAUSE is dropped.
   */
  private interrupt(): void {
    const c = this.c;
    c.postponed = null;
    if (c.blocked !== null) c.server.blocking.unblock(c, "timeout");
  }

  /** Queues session text (LF line ends; user bytes in it already quoted) in order with the replies. */
  private say(text: string): void {
    this.send(utf8(crlf(text)));
  }

  /** Queues bytes to send as they are, in order with the replies. */
  private send(bytes: Uint8Array): void {
    const out = this.c.out;
    out.raw(latin1Bytes(`|1\r\n+${TEXT_FRAME}\r\n$${bytes.length}\r\n`));
    out.raw(bytes);
    out.raw(latin1Bytes("\r\n"));
  }
}

/** Commands whose text replies redis-cli prints raw rather than quoted. */
function printsRaw(name: string, argv: Uint8Array[]): boolean {
  const sub = argv.length >= 2 ? lowerAscii(argv[1]) : "";
  switch (name) {
    case "info":
    case "lolwut":
      return true;
    case "client":
      return sub === "list" || sub === "info";
    case "memory":
      return sub === "doctor" || sub === "malloc-stats";
    case "latency":
      return (sub === "doctor" && argv.length === 2) || (sub === "graph" && argv.length === 3);
    case "cluster":
      return argv.length === 2 && (sub === "nodes" || sub === "info");
    case "debug":
      return sub === "htstats" || sub === "htstats-key" || sub === "client-eviction";
    default:
      return false;
  }
}

/** Converts line ends to CRLF (keeping existing CRLFs). */
function crlf(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}

function endsWithNewline(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] === 10;
}
