/**
 * Version information reported by `--version`, `INFO server` and `HELLO`.
 *
 * @module
 */

import meta from "../deno.json" with { type: "json" };
import { BUILD_INFO } from "./build_info.ts";
import { checkoutCommit } from "./util/git.ts";

/** Rift's semantic version, from deno.json. */
export const VERSION: string = meta.version;

/**
 * The Redis version Rift reports to clients (`redis_version` in INFO,
 * `version` in HELLO). Client libraries switch features on it, so it is
 * the Redis release whose behaviour Rift reproduces.
 */
export const REDIS_COMPAT_VERSION = "7.0.15";

/** Where the running code comes from: a commit id (or "unknown") and whether it had local changes. */
export interface SourceRevision {
  commit: string;
  dirty: boolean;
}

let revision: SourceRevision | undefined;

/**
 * The commit Rift was built from: stamped into release binaries by
 * scripts/build.ts, read from the git checkout when running from source,
 * "unknown" otherwise (no checkout, or no read permission on it).
 */
export function sourceRevision(): SourceRevision {
  if (revision !== undefined) return revision;
  if (BUILD_INFO !== null) {
    revision = { commit: BUILD_INFO.commit, dirty: BUILD_INFO.dirty };
    return revision;
  }
  let commit: string | null = null;
  const root = new URL("..", import.meta.url);
  if (root.protocol === "file:") commit = checkoutCommit(decodeURIComponent(root.pathname));
  revision = { commit: commit ?? "unknown", dirty: false };
  return revision;
}

/** The `rift --version` line: Rift's version, the Redis it mimics, source commit, Deno and V8. */
export function versionText(): string {
  const { commit, dirty } = sourceRevision();
  const built = BUILD_INFO !== null ? ` built=${BUILD_INFO.date}` : "";
  return `Rift server v=${VERSION} redis=${REDIS_COMPAT_VERSION} commit=${commit}${
    dirty ? "-dirty" : ""
  }${built} deno=${Deno.version.deno} v8=${Deno.version.v8} target=${Deno.build.target}`;
}
