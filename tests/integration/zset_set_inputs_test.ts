import { assertEquals } from "../helpers/assert.ts";
import { withPair } from "../helpers/differential.ts";

Deno.test("ZUNION/ZINTER/ZDIFF and their STORE forms take plain sets as inputs (score 1)", async () => {
  let compared = 0;
  const ran = await withPair(async (p) => {
    for (
      const cmd of [
        ["SADD", "s1", "a", "b", "c"],
        ["SADD", "s2", "1", "2", "3", "b"],
        ["ZADD", "z1", "5", "a", "7", "x", "-1", "2"],
        ["ZUNION", "2", "s1", "z1", "WITHSCORES"],
        ["ZUNION", "3", "s1", "s2", "z1", "WEIGHTS", "2", "3", "0.5", "WITHSCORES"],
        ["ZINTER", "2", "s1", "z1", "AGGREGATE", "MAX", "WITHSCORES"],
        ["ZINTER", "2", "s2", "z1", "AGGREGATE", "MIN", "WITHSCORES"],
        ["ZDIFF", "2", "s1", "z1", "WITHSCORES"],
        ["ZDIFF", "2", "z1", "s2", "WITHSCORES"],
        ["ZINTERCARD", "2", "s1", "z1"],
        ["ZINTERCARD", "3", "s1", "s2", "z1", "LIMIT", "1"],
        ["ZUNIONSTORE", "out", "2", "s1", "s2"],
        ["ZRANGE", "out", "0", "-1", "WITHSCORES"],
        ["OBJECT", "ENCODING", "out"],
        ["ZINTERSTORE", "out2", "2", "s1", "s2", "WEIGHTS", "10", "1"],
        ["ZRANGE", "out2", "0", "-1", "WITHSCORES"],
        ["ZDIFFSTORE", "out3", "2", "s2", "s1"],
        ["ZRANGE", "out3", "0", "-1", "WITHSCORES"],
        ["SET", "str", "x"],
        ["ZUNION", "2", "s1", "str"],
        ["ZUNIONSTORE", "out", "2", "nosuch", "s1"],
        ["ZCARD", "out"],
      ]
    ) {
      await p.same(...cmd);
      compared++;
    }
  });
  if (ran) assertEquals(compared, 22);
});
