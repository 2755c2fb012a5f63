import { assertEquals } from "../helpers/assert.ts";
import { render } from "../../scripts/compat.ts";

Deno.test("docs/compatibility.md is up to date with the command table (run `deno task compat`)", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const redis = JSON.parse(await Deno.readTextFile(`${root}scripts/redis7_commands.json`));
  assertEquals(await Deno.readTextFile(`${root}docs/compatibility.md`), render(redis));
});
