import { ALL_COMMANDS } from "../../src/commands/mod.ts";
import { CommandTable } from "../../src/commands/table.ts";
import { editDistance, helpText, orList, suggestCommands, usageOf } from "../../src/human/help.ts";
import { assertEquals, assertMatch, assertTrue } from "../helpers/assert.ts";

const table = new CommandTable(ALL_COMMANDS);

Deno.test("human help: edit distance counts typos and swapped letters", () => {
  assertEquals(editDistance("get", "get"), 0);
  assertEquals(editDistance("gte", "get"), 1, "adjacent swap");
  assertEquals(editDistance("gett", "get"), 1);
  assertEquals(editDistance("st", "set"), 1);
  assertEquals(editDistance("sat", "set"), 1);
  assertEquals(editDistance("", "ping"), 4);
  assertEquals(editDistance("flushal", "flushall"), 1);
  assertEquals(editDistance("abc", "xyz"), 3);
});

Deno.test("human help: suggestions by distance, then by prefix", () => {
  assertEquals(suggestCommands(table, "gte"), ["GET"]);
  assertEquals(suggestCommands(table, "CONFG"), ["CONFIG"]);
  assertEquals(suggestCommands(table, "flushal"), ["FLUSHALL", "FLUSHDB"]);
  assertEquals(suggestCommands(table, "fl"), ["FLUSHALL", "FLUSHDB"], "prefix");
  assertEquals(suggestCommands(table, "qwertyuiop"), []);
  assertTrue(suggestCommands(table, "s").length <= 5);
});

Deno.test("human help: renamed commands are suggested by their new name only", () => {
  const renamed = new CommandTable(ALL_COMMANDS);
  renamed.rename("flushall", "nuke-everything");
  assertEquals(suggestCommands(renamed, "flushal"), ["FLUSHDB"]);
  assertMatch(helpText(renamed, ["nuke-everything"]), /FLUSHALL/);
});

Deno.test("human help: orList", () => {
  assertEquals(orList([]), "");
  assertEquals(orList(["A"]), "A");
  assertEquals(orList(["A", "B"]), "A or B");
  assertEquals(orList(["A", "B", "C"]), "A, B or C");
});

Deno.test("human help: HELP <command> shows usage, summary, since and group", () => {
  const get = table.get("get")!;
  assertEquals(
    helpText(table, ["GET"]),
    `\n  GET key\n  summary: ${get.summary}\n  since: 1.0.0\n  group: string\n\n`,
  );
  const quit = table.get("quit")!;
  assertEquals(
    helpText(table, ["quit"]),
    `\n  QUIT\n  summary: ${quit.summary}\n  since: 1.0.0\n  group: connection\n\n`,
    "no syntax, no trailing space",
  );
});

Deno.test("human help: HELP <container> <sub> and HELP <container>", () => {
  const config = table.get("config")!;
  const configGet = config.subcommands!.find((s) => s.name === "get")!;
  assertEquals(
    helpText(table, ["config", "GET"]),
    `\n  CONFIG GET ${configGet.usage}\n  summary: ${configGet.summary}\n` +
      `  since: ${configGet.since}\n  group: server\n\n`,
  );
  const all = helpText(table, ["CONFIG"]);
  assertTrue(all.startsWith("\n  CONFIG\n"), all);
  for (const sub of config.subcommands!) {
    assertTrue(all.includes(`\n  CONFIG ${sub.name.toUpperCase()}`), sub.name);
  }
});

Deno.test("human help: HELP @group lists the group's commands without the group line", () => {
  const text = helpText(table, ["@string"]);
  for (const spec of ALL_COMMANDS.filter((s) => s.group === "string")) {
    assertTrue(text.includes(`\n  ${spec.name.toUpperCase()}`), spec.name);
  }
  assertEquals(text.includes("group:"), false);
  assertMatch(helpText(table, ["@connection"]), /\n {2}CLIENT ID\n/);
  assertMatch(helpText(table, ["@nosuch"]), /^No group named "nosuch"\. Groups: .*string/);
});

Deno.test("human help: HELP alone and HELP HELP explain how to get help", () => {
  const text = helpText(table, []);
  assertMatch(text, /HELP <command>/);
  assertMatch(text, /HELP @<group>/);
  assertMatch(text, /QUIT/);
  const groups = [...new Set(ALL_COMMANDS.map((spec) => spec.group))].sort();
  assertTrue(text.endsWith(`Groups: ${groups.join(", ")}\n`), text);
  assertTrue(groups.includes("string") && groups.includes("connection"));
  assertEquals(helpText(table, ["help"]), text);
});

Deno.test("human help: unknown topics suggest close names; typed bytes are quoted", () => {
  assertEquals(
    helpText(table, ["gte"]),
    'No help for "gte". Did you mean GET? HELP lists the groups of commands.\n',
  );
  assertEquals(
    helpText(table, ["config", "gte"]),
    'No help for "config gte". Did you mean CONFIG GET? HELP lists the groups of commands.\n',
  );
  assertEquals(
    helpText(table, ["\xff\n"]),
    'No help for "\\xff\\n". HELP lists the groups of commands.\n',
  );
});

Deno.test("human help: usageOf understands full names with a container", () => {
  assertEquals(usageOf(table, "get"), "GET key");
  assertEquals(
    usageOf(table, "config|get"),
    `CONFIG GET ${
      table.get("config")!.subcommands!
        .find((s) => s.name === "get")!.usage
    }`,
  );
  assertEquals(usageOf(table, "nosuch"), null);
  assertEquals(usageOf(table, "config|nosuch"), null);
});
