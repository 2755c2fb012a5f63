import { assertEquals } from "../helpers/assert.ts";
import {
  parseTimeoutSeconds,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_FLOAT,
} from "../../src/util/timeout.ts";

const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

Deno.test("blocking timeouts parse like Redis 7.0 (values measured on 7.0.15)", () => {
  const FOREVER = 0;
  const cases: [string, number][] = [
    ["0", FOREVER],
    ["0.0", FOREVER],
    ["-0", FOREVER],
    ["0e-5000", FOREVER],
    ["-0.0001", FOREVER],
    ["-0.0005", FOREVER],
    ["-0.001", FOREVER],
    ["-1e-3", FOREVER],
    ["-0.00100", FOREVER],
    ["-0x1p-10", FOREVER],
    ["-0.0011", TIMEOUT_NEGATIVE],
    ["-0.0010000000000000000001", TIMEOUT_NEGATIVE],
    ["-0x1.1p-10", TIMEOUT_NEGATIVE],
    ["-1", TIMEOUT_NEGATIVE],
    ["0.0001", 1],
    ["1e-300", 1],
    ["1e-4940", 1],
    ["0x1p-16400", 1],
    ["0.2", 200],
    [".1", 100],
    ["+0.1", 100],
    ["1.", 1000],
    ["00.5", 500],
    ["0x10", 16_000],
    ["0x.8", 500],
    ["0x1p-2", 250],
    ["1.0005", 1001],
    ["9223372036854775.807", 9223372036854775807],
    ["9223372036854775.808", TIMEOUT_NEGATIVE],
    ["9223372036854776", TIMEOUT_NEGATIVE],
    ["1e300", TIMEOUT_NEGATIVE],
    ["1e400", TIMEOUT_NEGATIVE],
    ["1.1e4932", TIMEOUT_NEGATIVE],
    ["inf", TIMEOUT_NEGATIVE],
    ["-Infinity", TIMEOUT_NEGATIVE],
    ["1.2e4932", TIMEOUT_NOT_FLOAT],
    ["1e5000", TIMEOUT_NOT_FLOAT],
    ["1e-5000", TIMEOUT_NOT_FLOAT],
    ["-1e-5000", TIMEOUT_NOT_FLOAT],
    ["nan", TIMEOUT_NOT_FLOAT],
    ["x", TIMEOUT_NOT_FLOAT],
    ["", TIMEOUT_NOT_FLOAT],
    [" 1", TIMEOUT_NOT_FLOAT],
    ["1 ", TIMEOUT_NOT_FLOAT],
    ["1\x00", TIMEOUT_NOT_FLOAT],
    ["1e", TIMEOUT_NOT_FLOAT],
    ["0x", TIMEOUT_NOT_FLOAT],
    [".", TIMEOUT_NOT_FLOAT],
    ["1".repeat(5120), TIMEOUT_NOT_FLOAT],
  ];
  for (const [text, expected] of cases) {
    assertEquals(parseTimeoutSeconds(bytes(text)), expected, `timeout ${JSON.stringify(text)}`);
  }
  assertEquals(cases.length, 49);
});
