import { assertTrue } from "../helpers/assert.ts";
import { V8_FLAGS } from "../../src/v8_flags.ts";
import { RUNTIME_FLAGS } from "../../scripts/build.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

Deno.test("v8 flags: `deno task start` and the compiled binary run with the same V8 flags", () => {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`));
  const wanted = `--v8-flags=${V8_FLAGS.join(",")}`;
  assertTrue(config.tasks.start.split(" ").includes(wanted), config.tasks.start);
  assertTrue(RUNTIME_FLAGS.includes(wanted), RUNTIME_FLAGS.join(" "));
});
