/**
 * The release build script, checked without running a real compile (which
 * needs to download Deno's runtime): targets, permissions, what gets
 * embedded, DENORT_BIN handling and the download-failure explanation.
 */

import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import {
  checkDenortBin,
  compileArgs,
  downloadHelp,
  outputPath,
  PERMISSIONS,
  RUNTIME_FLAGS,
  stampBuildInfo,
  TARGETS,
} from "../../scripts/build.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("build: the target list is exactly what deno compile --target accepts", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["compile", "--target", "no-such-target", `${ROOT}main.ts`],
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const possible = /possible values: ([^\n]+)/.exec(stderr);
  assertTrue(possible !== null, stderr);
  const accepted = possible![1].split(",").map((t) => t.trim());
  assertEquals(TARGETS.map((t) => t.target).sort(), accepted.sort());
  for (const os of ["linux", "darwin", "windows"]) {
    for (const arch of ["x86_64", "aarch64"]) {
      assertTrue(TARGETS.some((t) => t.target.startsWith(arch) && t.target.includes(os)));
    }
  }
});

Deno.test("build: compile arguments grant only the documented permissions", () => {
  const args = compileArgs("x86_64-unknown-linux-gnu", "/tmp/rift");
  assertEquals(args.slice(0, 5), [
    "compile",
    "--target",
    "x86_64-unknown-linux-gnu",
    "--output",
    "/tmp/rift",
  ]);
  assertEquals(args[args.length - 1], `${ROOT}main.ts`);
  for (const flag of PERMISSIONS) assertTrue(args.includes(flag), flag);
  for (const flag of RUNTIME_FLAGS) assertTrue(args.includes(flag), flag);
  assertTrue(args.includes("--exclude-unused-npm"));
  const granted = args.filter((a) => a.startsWith("--allow-") || a === "-A");
  assertEquals(granted, [
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env=NOTIFY_SOCKET,UPSTART_JOB",
    "--allow-sys=systemMemoryInfo",
    "--allow-ffi",
  ]);
  assertEquals(
    args.some((a) => /^--(allow-all|allow-run|allow-import|include)/.test(a)),
    false,
  );
});

Deno.test("build: the binary embeds main.ts, src/ and deno.json only", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${ROOT}main.ts`],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
    npmPackages?: Record<string, unknown>;
  };
  const files = graph.modules.map((m) => m.specifier);
  assertTrue(files.length > 20, `${files.length} modules`);
  for (const file of files) {
    if (file.startsWith("node:")) continue;
    assertMatch(file, new RegExp(`^file://${ROOT}(main\\.ts|deno\\.json|src/.+\\.ts)$`));
  }
  // The lockfile's npm packages (test clients) are listed in npmPackages but are not
  // reachable from main.ts; --exclude-unused-npm keeps them out of the binary.
  assertEquals(files.some((f) => f.startsWith("npm:")), false, "no npm module reachable");
});

Deno.test("build: --dry-run --all prints one compile per target with distinct outputs", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}scripts/build.ts`, "--dry-run", "--all"],
    stdout: "piped",
  }).output();
  assertEquals(out.code, 0);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assertEquals(lines.length, TARGETS.length);
  const outputs = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const { target, suffix } = TARGETS[i];
    assertTrue(line.startsWith("deno compile --target " + target), line);
    const output = outputPath(
      target,
      JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).version,
      true,
    );
    assertTrue(line.includes(`--output ${output}`), line);
    assertTrue(output.endsWith(suffix));
    outputs.add(output);
  }
  assertEquals(outputs.size, TARGETS.length);
  const host = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}scripts/build.ts`, "--dry-run"],
    stdout: "piped",
  }).output();
  const hostLine = new TextDecoder().decode(host.stdout).trim();
  assertTrue(hostLine.includes(`--target ${Deno.build.target}`));
  assertTrue(hostLine.includes(`--output ${ROOT}dist/rift`));
});

Deno.test("build: DENORT_BIN must be a denort runtime, not the deno CLI", async () => {
  assertEquals(await checkDenortBin(undefined), null);
  assertMatch((await checkDenortBin("/nonexistent/denort"))!, /does not exist/);
  assertMatch((await checkDenortBin(Deno.execPath()))!, /is the deno CLI, not denort/);
});

Deno.test("build: a failed runtime download gets an explanation naming DENORT_BIN", () => {
  // stderr of deno compile on a machine without access to dl.deno.land
  const stderr = `error: Writing deno compile executable to temporary file 'dist/rift.tmp'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known`;
  const help = downloadHelp("x86_64-unknown-linux-gnu", stderr)!;
  assertMatch(help, /could not download its runtime for x86_64-unknown-linux-gnu/);
  assertMatch(help, /DENORT_BIN=/);
  assertEquals(downloadHelp("x86_64-unknown-linux-gnu", "error: Type checking failed."), null);
});

Deno.test("build: the commit is stamped into build_info.ts and only there", () => {
  const source = Deno.readTextFileSync(`${ROOT}src/build_info.ts`);
  assertMatch(source, /export const BUILD_INFO: [^=]+= null;/, "committed unstamped");
  const stamped = stampBuildInfo(source, {
    commit: "a".repeat(40),
    dirty: false,
    date: "2026-01-01T00:00:00.000Z",
  });
  assertMatch(stamped, /= \{"commit":"a{40}","dirty":false,"date":"2026-01-01T00:00:00\.000Z"\};/);
});
