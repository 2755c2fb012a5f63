/**
 * Multi-connection scenarios run on Rift and on redis-server side by side,
 * compared as transcripts of exact reply bytes.
 *
 * A scenario is a list of steps, each a command sent on a named connection
 * (opened on first use). Connections whose name starts with `s` are
 * listeners: after every step, all they received (pub/sub messages,
 * keyspace notifications) is collected behind a `PING <token>` barrier, so
 * delivery order across connections is checked exactly, with no sleeping.
 *
 * @module
 */

import { assertEquals } from "./assert.ts";
import { type Arg, latin1, type RespClient, toValue, type Value } from "./client.ts";
import { describe, type Pair } from "./differential.ts";
import { ReplyParser } from "../../src/resp/reply_parser.ts";

/** One command of a scenario. */
export interface Step {
  /** Connection name; names starting with `s` are listeners. */
  on: string;
  cmd: Arg[];
  /**
   * Replies to read on a non-listener connection (default 1). A listener
   * reads everything up to a barrier instead.
   */
  replies?: number;
  /** Order-free output: frames are sorted, and so are the elements of arrays. */
  unordered?: boolean;
  /** Leave the reply out of the transcript (connection ids and the like). */
  ignore?: boolean;
}

/** Shorthand: `step("a", "SET", "k", "v")`. */
export function step(on: string, ...cmd: Arg[]): Step {
  return { on, cmd };
}

let tokens = 0;

/** One server's side of a scenario: its named connections. */
export class Session {
  private readonly conns = new Map<string, RespClient>();
  /** Connections inside MULTI: a PING barrier would be queued, so none is used. */
  private readonly inMulti = new Set<string>();

  constructor(private readonly open: () => Promise<RespClient>) {}

  /** The connection with this name, opened on first use. */
  async conn(name: string): Promise<RespClient> {
    let c = this.conns.get(name);
    if (!c) {
      c = await this.open();
      this.conns.set(name, c);
    }
    return c;
  }

  /** Runs one step; returns transcript lines (actor output, then each listener's). */
  async run(index: number, s: Step): Promise<string[]> {
    const actor = await this.conn(s.on);
    const name = String(s.cmd[0]).toUpperCase();
    // A PING sent inside MULTI would be queued: no barrier there, nor after
    // MULTI itself; EXEC, DISCARD and RESET end the transaction.
    const endsMulti = name === "EXEC" || name === "DISCARD" || name === "RESET";
    const useBarrier = s.on.startsWith("s") && name !== "MULTI" &&
      (!this.inMulti.has(s.on) || endsMulti);
    await actor.send(...s.cmd);
    let frames: string[];
    if (useBarrier) {
      frames = await barrier(actor);
    } else {
      frames = [];
      for (let i = 0; i < (s.replies ?? 1); i++) frames.push(latin1((await actor.read()).raw));
    }
    if (name === "MULTI" && frames.includes("+OK\r\n")) this.inMulti.add(s.on);
    else if (endsMulti) this.inMulti.delete(s.on);
    const lines: string[] = [];
    if (!s.ignore) {
      const shown = s.unordered ? frames.map(sortedElements).sort() : frames;
      lines.push(`#${index} ${s.on} ${describe(s.cmd)} -> ${shown.join("")}`);
    }
    for (const [name, c] of [...this.conns].sort(([a], [b]) => a < b ? -1 : 1)) {
      if (name === s.on || !name.startsWith("s") || this.inMulti.has(name)) continue;
      const got = await barrier(c);
      if (got.length > 0) lines.push(`#${index} ${name} received ${got.join("")}`);
    }
    return lines;
  }
}

/** Reads everything a connection has received, up to the reply of a unique PING. */
export async function barrier(c: RespClient): Promise<string[]> {
  const token = `barrier-${++tokens}`;
  await c.send("PING", token);
  const frames: string[] = [];
  for (;;) {
    const raw = latin1((await c.read()).raw);
    if (raw.includes(token)) return frames;
    frames.push(raw);
  }
}

/** Decodes one raw frame (as returned by {@link barrier}) into a JS value. */
export function decodeFrame(raw: string): Value {
  const parser = new ReplyParser();
  parser.feed(Uint8Array.from(raw, (ch) => ch.charCodeAt(0)));
  return toValue(parser.next()!.reply);
}

/** An array frame's elements, sorted, as text (other frames unchanged). */
export function sortedElements(raw: string): string {
  const value = decodeFrame(raw);
  return Array.isArray(value) ? JSON.stringify(value.map((v) => JSON.stringify(v)).sort()) : raw;
}

/**
 * Runs the same scenario on both servers of a pair and asserts identical
 * transcripts. Returns the transcript (Rift's).
 */
export async function sameScenario(pair: Pair, steps: Step[]): Promise<string[]> {
  const rift = new Session(() => pair.open("rift"));
  const redis = new Session(() => pair.open("redis"));
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const [x, y] = await Promise.all([rift.run(i, steps[i]), redis.run(i, steps[i])]);
    a.push(...x);
    b.push(...y);
    assertEquals(x, y, `transcripts differ at step #${i}`);
  }
  return a;
}
