import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";
import { runCli, spawnRift } from "../helpers/process.ts";
import { latin1 } from "../helpers/client.ts";

Deno.test("cli: --version and --help", async () => {
  const v = await runCli(["--version"]);
  assertEquals(v.code, 0);
  assertMatch(
    v.stdout,
    /^Rift server v=\d+\.\d+\.\d+ redis=7\.0\.15 commit=([0-9a-f]{40}|unknown) deno=/,
  );
  const h = await runCli(["--help"]);
  assertEquals(h.code, 0);
  assertMatch(h.stdout, /Usage: rift/);
});

Deno.test("cli: bad flags and values fail with one clear line and nothing started", async () => {
  for (
    const [args, pattern] of [
      [["--bogus", "1"], /^rift: Unknown option --bogus\n$/],
      [["--port", "abc"], /^rift: --port: argument couldn't be parsed into an integer\n$/],
      [["--port", "70000"], /^rift: --port: argument must be between 0 and 65535 inclusive\n$/],
      [["--maxclients"], /^rift: Option --maxclients needs a value\n$/],
      [["--save", "100"], /^rift: --save: Invalid save parameters\n$/],
      [["/nonexistent/rift.conf"], /^rift: Can't open config file '\/nonexistent\/rift.conf'/],
    ] as [string[], RegExp][]
  ) {
    const r = await runCli(args);
    assertEquals(r.code, 1, `exit code for ${args.join(" ")}`);
    assertMatch(r.stderr, pattern);
    assertEquals(r.stdout, "", `nothing started for ${args.join(" ")}`);
  }
});

Deno.test("cli: config file with quotes, include, flags overriding it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/extra.conf`, "maxclients 77\n");
    await Deno.writeTextFile(
      `${dir}/rift.conf`,
      [
        "# a comment",
        "  hz 20  ",
        'requirepass "pass word"',
        "save 900 1",
        "save 300 10",
        `include ${dir}/extra.conf`,
        "timeout 5",
      ].join("\n"),
    );
    const rift = await spawnRift(
      [`${dir}/rift.conf`, "--timeout", "7", "--loglevel", "warning"],
      dir,
    );
    const c = await rift.client();
    assertEquals(await c.raw("AUTH", "pass word"), "+OK\r\n");
    const values = await c.value(
      "CONFIG",
      "GET",
      "hz",
      "maxclients",
      "timeout",
      "save",
    ) as string[];
    const map = new Map<string, string>();
    for (let i = 0; i < values.length; i += 2) map.set(values[i], values[i + 1]);
    assertEquals(map.get("hz"), "20");
    assertEquals(map.get("maxclients"), "77");
    assertEquals(map.get("timeout"), "7");
    assertEquals(map.get("save"), "900 1 300 10");
    // CONFIG REWRITE keeps comments and writes the changed values back.
    assertEquals(await c.raw("CONFIG", "SET", "hz", "30"), "+OK\r\n");
    assertEquals(await c.raw("CONFIG", "REWRITE"), "+OK\r\n");
    const rewritten = await Deno.readTextFile(`${dir}/rift.conf`);
    assertTrue(rewritten.includes("# a comment"));
    assertMatch(rewritten, /^hz 30$/m);
    assertMatch(rewritten, /^timeout 7$/m);
    const { code } = await rift.stop();
    assertEquals(code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: bad config file line names the problem", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rift-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/bad.conf`, "port 6380\nnosuchdirective 1\n");
    const r = await runCli([`${dir}/bad.conf`]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /nosuchdirective 1.*bad\.conf:2.*Bad directive/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: SIGTERM shuts down gracefully with exit 0 and Redis-like log lines", async () => {
  const rift = await spawnRift(["--save", ""]);
  const c = await rift.client();
  assertEquals(await c.raw("SET", "k", "v"), "+OK\r\n");
  const { code, stdout } = await rift.stop("SIGTERM");
  assertEquals(code, 0);
  assertMatch(
    stdout,
    /\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections tcp/,
  );
  assertMatch(stdout, /# Received SIGTERM scheduling shutdown/);
  assertMatch(stdout, /is now ready to exit, bye bye/);
});

Deno.test("cli: SHUTDOWN command ends the process with exit 0", async () => {
  const rift = await spawnRift(["--save", ""]);
  const c = await rift.client();
  await c.send("SHUTDOWN", "NOSAVE");
  assertTrue(await c.closedByServer());
  const status = await rift.child.status;
  assertEquals(status.code, 0);
  await rift.stop();
  void latin1;
});
