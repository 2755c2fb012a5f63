/**
 * Blocking commands meet transactions: a push inside MULTI/EXEC wakes
 * waiters once EXEC completes (with the transaction's final state), and a
 * blocking command queued in MULTI never blocks. Compared with redis-server.
 */
import { assertEquals } from "../helpers/assert.ts";
import { latin1, type RespClient } from "../helpers/client.ts";
import { withPair } from "../helpers/differential.ts";

async function scenario(open: () => Promise<RespClient>): Promise<string[]> {
  const waiter = await open();
  const second = await open();
  const writer = await open();
  const transcript: string[] = [];
  await waiter.send("BLPOP", "q", "0");
  await second.send("BRPOPLPUSH", "q", "dst", "0");
  await writer.raw("PING"); // both waits are registered before the transaction
  for (
    const cmd of [
      ["MULTI"],
      ["LPUSH", "q", "a", "b", "c"],
      ["RPOP", "q"],
      ["EXEC"],
    ]
  ) transcript.push(await writer.raw(...cmd));
  transcript.push(latin1((await waiter.read()).raw));
  transcript.push(latin1((await second.read()).raw));
  transcript.push(await writer.raw("LRANGE", "q", "0", "-1"));
  transcript.push(await writer.raw("LRANGE", "dst", "0", "-1"));
  // A blocking command inside MULTI returns at once with its timeout reply.
  for (
    const cmd of [
      ["MULTI"],
      ["BLPOP", "empty", "0"],
      ["BRPOP", "empty", "other", "0"],
      ["BLMPOP", "0", "1", "empty", "LEFT"],
      ["BLMOVE", "empty", "x", "LEFT", "RIGHT", "0"],
      ["BRPOPLPUSH", "empty", "x", "0"],
      ["BZPOPMIN", "empty", "0"],
      ["BZPOPMAX", "empty", "other", "0"],
      ["BZMPOP", "0", "1", "empty", "MIN"],
      ["EXEC"],
    ]
  ) transcript.push(await writer.raw(...cmd));
  return transcript;
}

Deno.test("blocking: LPUSH inside MULTI/EXEC wakes waiters after EXEC; no blocking inside MULTI", async () => {
  await withPair(async (p) => {
    const rift = await scenario(() => p.open("rift"));
    const redis = await scenario(() => p.open("redis"));
    assertEquals(rift, redis);
    // EXEC replied with the push count and the popped element before anyone was served.
    assertEquals(rift[3], "*2\r\n:3\r\n$1\r\na\r\n");
  });
});
