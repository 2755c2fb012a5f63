/**
 * Builds Rift as a single self-contained binary with `deno compile`.
 *
 * ```sh
 * deno task compile                 # dist/rift for this machine
 * deno task compile --all           # every target deno compile supports, plus SHA256SUMS
 * deno task compile --target aarch64-unknown-linux-gnu
 * deno task compile --dry-run --all # print the deno compile commands only
 * ```
 *
 * The binary embeds main.ts and the modules it imports (src/, deno.json for
 * the version) and nothing else: no tests, benchmarks or npm packages
 * (`--exclude-unused-npm`; main.ts imports none). The source commit is
 * stamped into src/build_info.ts for the duration of the build, so
 * `rift --version` can print it.
 *
 * `deno compile` downloads a runtime (`denort`) per target from Deno's
 * servers. Where they cannot be reached, set `DENORT_BIN` to a denort
 * binary for the host target (it cannot serve other targets).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { V8_FLAGS } from "../src/v8_flags.ts";

/** Every target `deno compile --target` accepts, with the binary suffix it needs. */
export const TARGETS: { target: string; suffix: string }[] = [
  { target: "x86_64-unknown-linux-gnu", suffix: "" },
  { target: "aarch64-unknown-linux-gnu", suffix: "" },
  { target: "x86_64-apple-darwin", suffix: "" },
  { target: "aarch64-apple-darwin", suffix: "" },
  { target: "x86_64-pc-windows-msvc", suffix: ".exe" },
  { target: "aarch64-pc-windows-msvc", suffix: ".exe" },
];

/**
 * What the binary may do, and why:
 * - net: listen on the configured addresses and send sd_notify datagrams;
 * - read/write: config files, `include`s, `dir`, `logfile`, `pidfile` and
 *   data files, all chosen at run time, so not scoped to fixed paths;
 * - env: only `NOTIFY_SOCKET` (systemd readiness) and `UPSTART_JOB`
 *   (`supervised auto`);
 * - sys: only `systemMemoryInfo` (INFO total_system_memory);
 * - ffi: libc's `clock_gettime`, the clock every command is timed with, is
 *   a third of the cost of `performance.now()` (src/util/monotonic.ts). The
 *   permission cannot be scoped: libc's path differs between systems.
 * No subprocesses or imports at run time.
 */
export const PERMISSIONS: string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env=NOTIFY_SOCKET,UPSTART_JOB",
  "--allow-sys=systemMemoryInfo",
  "--allow-ffi",
];

/**
 * Runtime flags baked into the binary: `--unstable-net` enables the unix
 * datagram socket sd_notify needs (Deno 2 has no stable API for it; see
 * src/server/systemd.ts); the V8 flags are explained in src/v8_flags.ts.
 */
export const RUNTIME_FLAGS: string[] = ["--unstable-net", `--v8-flags=${V8_FLAGS.join(",")}`];

/** The project root (this script lives in scripts/). */
const ROOT = new URL("..", import.meta.url).pathname;

/** The `deno compile` arguments for one target. */
export function compileArgs(target: string, output: string): string[] {
  return [
    "compile",
    "--target",
    target,
    "--output",
    output,
    "--exclude-unused-npm",
    "--no-remote",
    ...PERMISSIONS,
    ...RUNTIME_FLAGS,
    `${ROOT}main.ts`,
  ];
}

/** Output path of a target's binary: `dist/rift` for a host-only build, named per target otherwise. */
export function outputPath(target: string, version: string, all: boolean): string {
  const { suffix } = TARGETS.find((t) => t.target === target)!;
  return all ? `${ROOT}dist/rift-${version}-${target}${suffix}` : `${ROOT}dist/rift${suffix}`;
}

/** The explanation printed when deno compile could not get its runtime. */
export function downloadHelp(target: string, stderr: string): string | null {
  if (!/error sending request|dns error|Download|dl\.deno\.land|Connect/i.test(stderr)) return null;
  const denort = `denort-${target}.zip`;
  return [
    `deno compile could not download its runtime for ${target} (${denort}) from Deno's servers.`,
    "Either build on a machine that can reach dl.deno.land, or download that archive elsewhere,",
    "unzip it, and point DENORT_BIN at the denort binary inside (host target only), e.g.:",
    `  DENORT_BIN=/path/to/denort deno task compile`,
  ].join("\n");
}

/** Checks that DENORT_BIN, when set, names a runtime rather than the deno CLI itself. */
export async function checkDenortBin(path: string | undefined): Promise<string | null> {
  if (path === undefined || path === "") return null;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) return `DENORT_BIN=${path} is not a file`;
  } catch {
    return `DENORT_BIN=${path} does not exist`;
  }
  const out = await new Deno.Command(path, { args: ["--version"], stdout: "piped", stderr: "null" })
    .output().catch(() => null);
  const text = out ? new TextDecoder().decode(out.stdout) : "";
  if (/^deno \d/.test(text)) {
    return `DENORT_BIN=${path} is the deno CLI, not denort: a binary built on it ignores the ` +
      "embedded program. Use the denort binary from denort-<target>.zip.";
  }
  return null;
}

/** The commit being built, and whether the tree has uncommitted changes. */
async function sourceState(): Promise<{ commit: string; dirty: boolean }> {
  const git = async (args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: ROOT, stdout: "piped", stderr: "null" })
      .output().catch(() => null);
    return out?.success ? new TextDecoder().decode(out.stdout).trim() : null;
  };
  const commit = await git(["rev-parse", "HEAD"]) ?? "unknown";
  const status = await git(["status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status !== null && status !== "" };
}

/** The text of src/build_info.ts with `BUILD_INFO` set to `info` instead of null. */
export function stampBuildInfo(
  source: string,
  info: { commit: string; dirty: boolean; date: string },
): string {
  const stamped = source.replace(
    /export const BUILD_INFO: ([^=]+)= null;/,
    `export const BUILD_INFO: $1= ${JSON.stringify(info)};`,
  );
  if (stamped === source) throw new Error("src/build_info.ts has an unexpected shape");
  return stamped;
}

/** Runs `fn` with src/build_info.ts stamped with the source state, restoring it afterwards. */
async function withBuildInfo<T>(fn: () => Promise<T>): Promise<T> {
  const path = `${ROOT}src/build_info.ts`;
  const original = await Deno.readTextFile(path);
  const { commit, dirty } = await sourceState();
  const stamped = stampBuildInfo(original, { commit, dirty, date: new Date().toISOString() });
  await Deno.writeTextFile(path, stamped);
  try {
    return await fn();
  } finally {
    await Deno.writeTextFile(path, original);
  }
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      all: { type: "boolean", default: false },
      target: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("Usage: deno task compile [--all | --target <target>] [--dry-run]");
    console.log(`Targets: ${TARGETS.map((t) => t.target).join(", ")}`);
    return 0;
  }
  const meta = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const version: string = meta.version;
  const host = Deno.build.target;
  const targets = values.all ? TARGETS.map((t) => t.target) : [values.target ?? host];
  for (const target of targets) {
    if (!TARGETS.some((t) => t.target === target)) {
      console.error(
        `Unknown target ${target}. Targets: ${TARGETS.map((t) => t.target).join(", ")}`,
      );
      return 2;
    }
  }
  const denort = Deno.env.get("DENORT_BIN");
  if (values["dry-run"]) {
    for (const target of targets) {
      console.log(
        ["deno", ...compileArgs(target, outputPath(target, version, values.all))].join(" "),
      );
    }
    return 0;
  }
  const denortProblem = await checkDenortBin(denort);
  if (denortProblem !== null) {
    console.error(denortProblem);
    return 1;
  }
  if (denort && targets.some((t) => t !== host)) {
    console.error(
      `DENORT_BIN is a runtime for this machine (${host}); other targets still need a download.`,
    );
  }
  await Deno.mkdir(`${ROOT}dist`, { recursive: true });
  const built: string[] = [];
  const failed = await withBuildInfo(async () => {
    let failures = 0;
    for (const target of targets) {
      const output = outputPath(target, version, values.all);
      // deno compile reads DENORT_BIN from the environment; a host runtime must not
      // be used for another target.
      const env = Deno.env.toObject();
      if (target !== host) delete env.DENORT_BIN;
      const out = await new Deno.Command(Deno.execPath(), {
        args: compileArgs(target, output),
        cwd: ROOT,
        env,
        clearEnv: true,
        stdout: "inherit",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      if (out.success) {
        built.push(output);
        continue;
      }
      failures++;
      console.error(stderr.trim());
      console.error(downloadHelp(target, stderr) ?? `deno compile failed for ${target}.`);
    }
    return failures;
  });
  if (built.length > 0) {
    const lines: string[] = [];
    for (const path of built) lines.push(`${await sha256(path)}  ${path.split("/").pop()}`);
    await Deno.writeTextFile(`${ROOT}dist/SHA256SUMS`, lines.join("\n") + "\n");
    console.log(
      `Built ${built.length} binar${built.length === 1 ? "y" : "ies"}; sums in dist/SHA256SUMS`,
    );
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
