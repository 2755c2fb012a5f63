/**
 * What a release binary knows about the source it was built from. This
 * file is committed with `null`; `scripts/build.ts` stamps the commit into
 * it for the duration of `deno compile` and restores it afterwards.
 *
 * @module
 */

/** Source commit of a compiled binary, or null when running from source. */
export const BUILD_INFO: { commit: string; dirty: boolean; date: string } | null = null;
