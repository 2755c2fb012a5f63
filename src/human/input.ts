/**
 * The line discipline of a human connection: turns the bytes a terminal
 * program sends (telnet, nc, socat) into command lines.
 *
 * - A line ends at LF, CR LF, CR NUL (telnet's bare Enter) or a lone CR.
 * - Backspace and DEL erase the previous character (a whole UTF-8
 *   sequence), Ctrl-U and telnet's Erase Line erase the line, so a line
 *   edited by a terminal that sends its editing keys arrives as intended.
 * - Telnet commands (IAC ...) never reach a line. Option requests are
 *   refused (DO → WONT, WILL → DONT), which also answers the Timing Mark
 *   telnet sends after Ctrl-C (it hides all output until answered). Interrupt
 *   Process (Ctrl-C) and Are You There are reported to the session.
 * - NUL bytes are dropped.
 * - A line longer than {@link INLINE_MAX_SIZE} is dropped and reported as
 *   soon as it overflows, not when (or if) it ends.
 *
 * @module
 */

import { INLINE_MAX_SIZE } from "../resp/parser.ts";

export { INLINE_MAX_SIZE };

/** Queue entry standing for a line that was too long and was dropped. */
export const LINE_TOO_LONG: unique symbol = Symbol("line too long");

/** What the session must react to at once, outside the line queue. */
export interface TelnetSignals {
  /** Telnet negotiation answers to send. */
  answers: number[];
  /** Telnet Interrupt Process (Ctrl-C in telnet). */
  interrupt: boolean;
  /** Telnet Are You There. */
  areYouThere: boolean;
}

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const EL = 248;
const EC = 247;
const AYT = 246;
const IP = 244;
const SE = 240;

const NUL = 0;
const BS = 8;
const LF = 10;
const CR = 13;
const CTRL_U = 21;
const DEL = 127;

/** Parser states: in text, just after a CR, after IAC, after IAC + verb, inside IAC SB ... IAC SE. */
const TEXT = 0;
const AFTER_CR = 1;
const COMMAND = 2;
const OPTION = 3;
const SUB = 4;
const SUB_COMMAND = 5;

/** Splits a human's byte stream into lines. */
export class LineInput {
  /** Complete lines (copied) and overflow markers, oldest first from {@link head}. */
  private readonly queue: (Uint8Array | typeof LINE_TOO_LONG)[] = [];
  private head = 0;
  private queuedBytes = 0;
  private line = new Uint8Array(256);
  private length = 0;
  /** The current line overflowed: its bytes are dropped up to its end. */
  private overflowed = false;
  private state = TEXT;
  private optionVerb = 0;

  /** Bytes held in complete lines not yet taken. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Takes the next complete line (or overflow marker), or null. */
  nextLine(): Uint8Array | typeof LINE_TOO_LONG | null {
    if (this.head === this.queue.length) return null;
    const item = this.queue[this.head++];
    if (this.head === this.queue.length) this.queue.length = this.head = 0;
    if (item !== LINE_TOO_LONG) this.queuedBytes -= item.length;
    return item;
  }

  /** Drops the line being typed and every line not yet taken. */
  discard(): void {
    this.queue.length = this.head = this.queuedBytes = 0;
    this.length = 0;
    this.overflowed = false;
  }

  /** Consumes received bytes; returns the telnet events found in them. */
  feed(bytes: Uint8Array): TelnetSignals {
    const signals: TelnetSignals = { answers: [], interrupt: false, areYouThere: false };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      switch (this.state) {
        case AFTER_CR:
          this.state = TEXT;
          if (b === LF || b === NUL) break;
          this.text(b);
          break;
        case TEXT:
          this.text(b);
          break;
        case COMMAND:
          this.command(b, signals);
          break;
        case OPTION:
          this.state = TEXT;
          if (this.optionVerb === DO) signals.answers.push(IAC, WONT, b);
          else if (this.optionVerb === WILL) signals.answers.push(IAC, DONT, b);
          break;
        case SUB:
          if (b === IAC) this.state = SUB_COMMAND;
          break;
        case SUB_COMMAND:
          this.state = b === SE ? TEXT : SUB;
          break;
      }
    }
    return signals;
  }

  private text(b: number): void {
    switch (b) {
      case IAC:
        this.state = COMMAND;
        return;
      case CR:
        this.state = AFTER_CR;
        this.endLine();
        return;
      case LF:
        this.endLine();
        return;
      case NUL:
        return;
      case BS:
      case DEL:
        this.eraseChar();
        return;
      case CTRL_U:
        this.eraseLine();
        return;
      default:
        this.append(b);
    }
  }

  private command(b: number, signals: TelnetSignals): void {
    this.state = TEXT;
    switch (b) {
      case IAC: // an escaped 255 data byte
        this.append(IAC);
        return;
      case WILL:
      case WONT:
      case DO:
      case DONT:
        this.optionVerb = b;
        this.state = OPTION;
        return;
      case SB:
        this.state = SUB;
        return;
      case IP:
        signals.interrupt = true;
        this.discard();
        return;
      case AYT:
        signals.areYouThere = true;
        return;
      case EC:
        this.eraseChar();
        return;
      case EL:
        this.eraseLine();
        return;
        // NOP, Data Mark, Break, Abort Output, Go Ahead: nothing to do for a line.
    }
  }

  private append(b: number): void {
    if (this.overflowed) return;
    if (this.length === INLINE_MAX_SIZE) {
      this.overflowed = true;
      this.length = 0;
      this.queue.push(LINE_TOO_LONG);
      return;
    }
    if (this.length === this.line.length) {
      const grown = new Uint8Array(Math.min(this.line.length * 2, INLINE_MAX_SIZE));
      grown.set(this.line);
      this.line = grown;
    }
    this.line[this.length++] = b;
  }

  private endLine(): void {
    if (this.overflowed) {
      this.overflowed = false;
      return;
    }
    const line = this.line.slice(0, this.length);
    this.length = 0;
    this.queue.push(line);
    this.queuedBytes += line.length;
  }

  /** Erases the last character: a whole UTF-8 sequence when the bytes form one. */
  private eraseChar(): void {
    if (this.overflowed || this.length === 0) return;
    let start = this.length - 1;
    while (start > 0 && (this.line[start] & 0xc0) === 0x80) start--;
    const isSequence = start < this.length - 1 && (this.line[start] & 0xc0) === 0xc0;
    this.length = isSequence ? start : this.length - 1;
  }

  private eraseLine(): void {
    this.length = 0;
    this.overflowed = false;
  }
}
