/**
 * CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO:
 * the commands of client-side caching (the logic is in
 * src/server/tracking.ts). Checks and error texts follow Redis 7.0's
 * clientCommand, in its order.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { trackingOf, trackingStateOf } from "../server/tracking.ts";
import { command, type CommandSpec } from "./spec.ts";
import { SYNTAX_ERROR } from "./util.ts";
import { isKeyword, latin1 } from "../util/bytes.ts";
import { parseInteger } from "../util/numbers.ts";

const NOT_INTEGER = "ERR value is not an integer or out of range";

function clientTracking(c: Client, argv: Uint8Array[]): void {
  let redirect = 0;
  const options = { bcast: false, optin: false, optout: false, noloop: false };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = j < argv.length - 1;
    const arg = argv[j];
    if (isKeyword(arg, "redirect") && more) {
      j++;
      if (redirect !== 0) {
        c.out.error("ERR A client can only redirect to a single other client");
        return;
      }
      const id = parseInteger(argv[j]);
      if (Number.isNaN(id)) {
        c.out.error(NOT_INTEGER);
        return;
      }
      if (!c.server.clients.has(id)) {
        c.out.error("ERR The client ID you want redirect to does not exist");
        return;
      }
      redirect = id;
    } else if (isKeyword(arg, "bcast")) {
      options.bcast = true;
    } else if (isKeyword(arg, "optin")) {
      options.optin = true;
    } else if (isKeyword(arg, "optout")) {
      options.optout = true;
    } else if (isKeyword(arg, "noloop")) {
      options.noloop = true;
    } else if (isKeyword(arg, "prefix") && more) {
      j++;
      prefixes.push(latin1(argv[j]));
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  if (isKeyword(argv[2], "on")) {
    if (!options.bcast && prefixes.length > 0) {
      c.out.error("ERR PREFIX option requires BCAST mode to be enabled");
      return;
    }
    const state = trackingStateOf(c);
    if (state !== undefined && state.bcast !== options.bcast) {
      c.out.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (options.bcast && (options.optin || options.optout)) {
      c.out.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
      return;
    }
    if (options.optin && options.optout) {
      c.out.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
      return;
    }
    if (
      state !== undefined &&
      ((options.optin && state.optout) || (options.optout && state.optin))
    ) {
      c.out.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
      return;
    }
    if (options.bcast && !checkPrefixCollisions(c, state?.prefixes, prefixes)) return;
    trackingOf(c.server).enable(c, redirect, options, prefixes);
  } else if (isKeyword(argv[2], "off")) {
    if (trackingStateOf(c) !== undefined) trackingOf(c.server).disable(c);
  } else {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  c.out.ok();
}

/** Two prefixes overlap when one starts with the other. */
function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/**
 * Redis's checkPrefixCollisionsOrReply, including its quirk: an overlap
 * between two given prefixes found past the first one is replied as an
 * error yet does not stop tracking from being enabled (Redis returns the
 * index as the success flag), so the client gets the error and `+OK`.
 */
function checkPrefixCollisions(
  c: Client,
  existing: Set<string> | undefined,
  prefixes: string[],
): boolean {
  const sortedExisting = existing === undefined ? [] : [...existing].sort();
  for (let i = 0; i < prefixes.length; i++) {
    for (const old of sortedExisting) {
      if (overlap(old, prefixes[i])) {
        c.out.error(
          `ERR Prefix '${cText(prefixes[i])}' overlaps with an existing prefix '${
            cText(old)
          }'. Prefixes for a single client must not overlap.`,
        );
        return false;
      }
    }
    for (let j = i + 1; j < prefixes.length; j++) {
      if (overlap(prefixes[i], prefixes[j])) {
        c.out.error(
          `ERR Prefix '${cText(prefixes[i])}' overlaps with another provided prefix '${
            cText(prefixes[j])
          }'. Prefixes for a single client must not overlap.`,
        );
        return i !== 0;
      }
    }
  }
  return true;
}

/** A prefix as Redis's `%s` prints it: up to the first NUL. */
function cText(text: string): string {
  const nul = text.indexOf("\0");
  return nul === -1 ? text : text.slice(0, nul);
}

function clientCaching(c: Client, argv: Uint8Array[]): void {
  const state = trackingStateOf(c);
  if (state === undefined) {
    c.out.error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
    return;
  }
  if (isKeyword(argv[2], "yes")) {
    if (!state.optin) {
      c.out.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      return;
    }
  } else if (isKeyword(argv[2], "no")) {
    if (!state.optout) {
      c.out.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      return;
    }
  } else {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  state.caching = true;
  c.out.ok();
}

function clientTrackingInfo(c: Client): void {
  const state = trackingStateOf(c);
  const flags: string[] = [];
  if (state === undefined) {
    flags.push("off");
  } else {
    flags.push("on");
    if (state.bcast) flags.push("bcast");
    if (state.optin) {
      flags.push("optin");
      if (state.caching) flags.push("caching-yes");
    }
    if (state.optout) {
      flags.push("optout");
      if (state.caching) flags.push("caching-no");
    }
    if (state.noloop) flags.push("noloop");
    if (state.brokenRedirect) flags.push("broken_redirect");
  }
  c.out.map(3);
  c.out.bulkLatin1("flags");
  c.out.set(flags.length);
  for (const flag of flags) c.out.bulkLatin1(flag);
  c.out.bulkLatin1("redirect");
  c.out.integer(state === undefined ? -1 : state.redirect);
  c.out.bulkLatin1("prefixes");
  const prefixes = state === undefined ? [] : [...state.prefixes].sort();
  c.out.array(prefixes.length);
  for (const p of prefixes) c.out.bulkLatin1(p);
}

const FLAGS = ["noscript", "loading", "stale"] as const;

/** The client-side caching subcommands of CLIENT. */
export const CLIENT_TRACKING_SUBCOMMANDS: CommandSpec[] = [
  command({
    name: "tracking",
    arity: -3,
    flags: [...FLAGS],
    group: "connection",
    since: "6.0.0",
    summary: "Enable or disable server assisted client side caching support",
    complexity: "O(1). Some options may introduce additional complexity.",
    syntax:
      "<ON | OFF>{status} [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]",
    handler: clientTracking,
  }),
  command({
    name: "caching",
    arity: 3,
    flags: [...FLAGS],
    group: "connection",
    since: "6.0.0",
    summary: "Instruct the server about tracking or not keys in the next request",
    complexity: "O(1)",
    syntax: "<YES | NO>{mode}",
    handler: clientCaching,
  }),
  command({
    name: "getredir",
    arity: 2,
    flags: [...FLAGS],
    group: "connection",
    since: "6.0.0",
    summary: "Get tracking notifications redirection client ID if any",
    complexity: "O(1)",
    handler: (c) => c.out.integer(trackingStateOf(c)?.redirect ?? -1),
  }),
  command({
    name: "trackinginfo",
    arity: 2,
    flags: [...FLAGS],
    group: "connection",
    since: "6.2.0",
    summary:
      "Return information about server assisted client side caching for the current connection",
    complexity: "O(1)",
    handler: clientTrackingInfo,
  }),
];
