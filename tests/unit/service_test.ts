/**
 * scripts/rift.service: the hardening and timeouts it promises, and
 * `systemd-analyze verify` on it (Debian's `systemd` package). Without the
 * tool the verification is skipped with a message, unless RIFT_REQUIRE_TOOLS
 * is set (CI), where its absence fails the test.
 */

import { assertEquals, assertTrue } from "../helpers/assert.ts";

const UNIT_PATH = new URL("../../scripts/rift.service", import.meta.url).pathname;
const UNIT = Deno.readTextFileSync(UNIT_PATH);

/** `Key=value` settings of the unit (last one wins, like systemd for most keys). */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("[")) continue;
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

function one(s: Map<string, string[]>, key: string): string {
  const values = s.get(key);
  assertTrue(values !== undefined, `${key} is set`);
  return values![values!.length - 1];
}

function hasTool(name: string): boolean {
  try {
    return new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test("service: hardened, dedicated user, no MemoryDenyWriteExecute (V8 JIT)", () => {
  const s = settings(UNIT);
  assertEquals(one(s, "User"), "rift");
  assertEquals(one(s, "Group"), "rift");
  assertEquals(one(s, "ProtectSystem"), "strict");
  assertEquals(one(s, "ProtectHome"), "yes");
  assertEquals(one(s, "PrivateTmp"), "yes");
  assertEquals(one(s, "NoNewPrivileges"), "yes");
  assertEquals(one(s, "Restart"), "on-failure");
  assertEquals(s.has("MemoryDenyWriteExecute"), false);
  assertTrue(one(s, "ReadWritePaths").split(" ").includes("/var/lib/rift"));
  assertTrue(Number(one(s, "LimitNOFILE")) > 10000, "room for maxclients 10000");
  assertEquals(one(s, "CapabilityBoundingSet"), "");
});

Deno.test("service: readiness via sd_notify and a stop timeout above the drain timeout", () => {
  const s = settings(UNIT);
  assertEquals(one(s, "Type"), "notify");
  const exec = one(s, "ExecStart").split(/\s+/);
  assertEquals(exec[exec.indexOf("--supervised") + 1], "systemd");
  assertEquals(exec[exec.indexOf("--dir") + 1], "/var/lib/rift");
  const drain = Number(exec[exec.indexOf("--shutdown-timeout") + 1]);
  const stop = Number(one(s, "TimeoutStopSec"));
  assertTrue(drain > 0 && stop > drain, `TimeoutStopSec ${stop} > shutdown-timeout ${drain}`);
  assertEquals(one(s, "ExecReload"), "/bin/kill -HUP $MAINPID");
});

Deno.test("service: systemd-analyze verify accepts the unit and rejects a broken one", async () => {
  if (!hasTool("systemd-analyze")) {
    if (Deno.env.get("RIFT_REQUIRE_TOOLS")) {
      throw new Error("systemd-analyze is required (apt-get install -y systemd) but missing");
    }
    console.log("systemd-analyze not installed (apt-get install -y systemd): verification skipped");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "rift-unit-" });
  try {
    // verify checks that ExecStart exists: stand in the deno binary for /usr/local/bin/rift.
    const unit = UNIT.replace("/usr/local/bin/rift", Deno.execPath());
    const verify = async (text: string) => {
      const path = `${dir}/rift.service`;
      await Deno.writeTextFile(path, text);
      const out = await new Deno.Command("systemd-analyze", {
        args: ["verify", path],
        // Warnings go to the journal when stderr is not a terminal; keep them on stderr.
        env: { SYSTEMD_LOG_TARGET: "console" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { ok: out.success, stderr: new TextDecoder().decode(out.stderr) };
    };
    const good = await verify(unit);
    assertTrue(good.ok, good.stderr);
    assertEquals(good.stderr.trim(), "", "no warnings");
    const badValue = await verify(unit.replace(/^Type=notify$/m, "Type=notifyy"));
    assertTrue(badValue.stderr.includes("notifyy"), "bad value reported: " + badValue.stderr);
    const badKey = await verify(unit.replace(/^ProtectSystem=/m, "ProtectSytem="));
    assertTrue(badKey.stderr.includes("ProtectSytem"), "unknown key reported: " + badKey.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
