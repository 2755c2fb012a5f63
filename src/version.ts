/**
 * Version information reported by `--version`, `INFO server` and `HELLO`.
 *
 * @module
 */

import meta from "../deno.json" with { type: "json" };

/** Rift's semantic version, from deno.json. */
export const VERSION: string = meta.version;

/**
 * The Redis version Rift reports to clients (`redis_version` in INFO,
 * `version` in HELLO). Client libraries switch features on it, so it is
 * the Redis release whose behaviour Rift reproduces.
 */
export const REDIS_COMPAT_VERSION = "7.0.15";
