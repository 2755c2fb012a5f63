/**
 * Operations across sorted sets: ZUNION, ZINTER, ZDIFF, their STORE forms
 * and ZINTERCARD, with WEIGHTS, AGGREGATE SUM|MIN|MAX and WITHSCORES.
 *
 * As in Redis, plain sets are accepted as inputs (every member scores 1),
 * inputs of union and intersection are visited from the smallest up (a
 * stable sort, like glibc's qsort for these sizes, so sums of more than
 * two scores add up in Redis's order), a NaN from `weight * score` or from
 * summing `inf` and `-inf` counts as 0, and stored results take the
 * listpack encoding when they fit its limits.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import { TYPE_SET, TYPE_ZSET } from "../store/database.ts";
import { orderEntries, ZSetValue } from "../store/zset.ts";
import { isKeyword } from "../util/bytes.ts";
import { command, type CommandDecl, type CommandSpec } from "./spec.ts";
import { floatArg, intArg, lookupRead, rangedIntArg, SYNTAX_ERROR, WRONGTYPE } from "./util.ts";
import { zsetLimits } from "./zset_args.ts";
import { memberReply, membersHeader, storeResult } from "./zset_reply.ts";
import { numkeysFinder } from "./key_finders.ts";
import type { SetValue } from "../store/set.ts";

const LONG_MAX = 9223372036854775807;

/** One input of a set operation. */
interface SetOpInput {
  readonly size: number;
  weight: number;
  /** Score of `member` in this input, or undefined. */
  score(member: string): number | undefined;
  /** Visits members (with scores) until `visit` returns false. */
  visit(visit: (member: string, score: number) => boolean): void;
}

const MISSING_INPUT: Omit<SetOpInput, "weight"> = {
  size: 0,
  score: () => undefined,
  visit: () => {},
};

function zsetInput(zset: ZSetValue): SetOpInput {
  return {
    size: zset.size,
    weight: 1,
    score: (member) => zset.score(member),
    visit: (visit) => zset.walk(0, false, visit),
  };
}

/** The surface of the plain set type that set operations read. */
/** A plain set (`TYPE_SET`) as a set-operation input, every member scoring 1 as in Redis. */
function plainSetInput(set: SetValue): SetOpInput {
  return {
    size: set.size,
    weight: 1,
    score: (member) => set.has(member) ? 1 : undefined,
    visit: (visit) => {
      let going = true;
      set.forEach((member) => {
        if (going) going = visit(member, 1);
      });
    },
  };
}

/** Reads one input key; null after writing WRONGTYPE. */
function readInput(c: Client, key: Uint8Array): SetOpInput | null {
  const id = lookupRead(c, key);
  if (id < 0) return { ...MISSING_INPUT, weight: 1 };
  const type = c.db.typeOf(id);
  if (type === TYPE_ZSET) return zsetInput(c.db.object<ZSetValue>(id));
  if (type === TYPE_SET) return plainSetInput(c.db.object<SetValue>(id));
  c.out.error(WRONGTYPE);
  return null;
}

type Aggregate = "sum" | "min" | "max";

/** Redis's `zunionInterAggregate`: combines an accumulated score with a new one. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === "sum") {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === "min") return value < target ? value : target;
  return value > target ? value : target;
}

type SetOp = "union" | "inter" | "diff";

/** What a set operation does with its result. */
type Output =
  | { kind: "reply" }
  | { kind: "store"; dst: Uint8Array; event: string }
  | { kind: "cardinality" };

/**
 * Redis's `zunionInterDiffGenericCommand`: numkeys, then the keys (types
 * checked before any option), then options, then the operation.
 */
function setOpGeneric(
  c: Client,
  argv: Uint8Array[],
  numkeysIndex: number,
  op: SetOp,
  output: Output,
  name: string,
): void {
  const setnum = intArg(c, argv[numkeysIndex]);
  if (setnum === null) return;
  if (setnum < 1) {
    c.out.error(`ERR at least 1 input key is needed for '${name}' command`);
    return;
  }
  if (setnum > argv.length - (numkeysIndex + 1)) {
    c.out.error(SYNTAX_ERROR);
    return;
  }
  const inputs: SetOpInput[] = [];
  for (let i = 0; i < setnum; i++) {
    const input = readInput(c, argv[numkeysIndex + 1 + i]);
    if (input === null) return;
    inputs.push(input);
  }
  const cardinalityOnly = output.kind === "cardinality";
  let how: Aggregate = "sum";
  let withScores = false;
  let limit = 0;
  let j = numkeysIndex + 1 + setnum;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const a = argv[j];
    if (op !== "diff" && !cardinalityOnly && remaining >= setnum + 1 && isKeyword(a, "weights")) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = floatArg(c, argv[j], "ERR weight value is not a float");
        if (w === null) return;
        inputs[i].weight = w;
      }
    } else if (op !== "diff" && !cardinalityOnly && remaining >= 2 && isKeyword(a, "aggregate")) {
      const b = argv[j + 1];
      if (isKeyword(b, "sum")) how = "sum";
      else if (isKeyword(b, "min")) how = "min";
      else if (isKeyword(b, "max")) how = "max";
      else {
        c.out.error(SYNTAX_ERROR);
        return;
      }
      j += 2;
    } else if (output.kind === "reply" && isKeyword(a, "withscores")) {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && isKeyword(a, "limit")) {
      const l = rangedIntArg(c, argv[j + 1], 0, LONG_MAX, "ERR LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j += 2;
    } else {
      c.out.error(SYNTAX_ERROR);
      return;
    }
  }
  // Smallest first (Array.prototype.sort is stable).
  if (op !== "diff") inputs.sort((x, y) => x.size - y.size);

  const members: string[] = [];
  const scores: number[] = [];
  let cardinality = 0;
  if (op === "inter") {
    const first = inputs[0];
    if (first.size > 0) {
      first.visit((member, s) => {
        let score = first.weight * s;
        if (Number.isNaN(score)) score = 0;
        for (let k = 1; k < inputs.length; k++) {
          const found = inputs[k].score(member);
          if (found === undefined) return true;
          score = aggregate(score, found * inputs[k].weight, how);
        }
        if (cardinalityOnly) {
          cardinality++;
          return limit === 0 || cardinality < limit;
        }
        members.push(member);
        scores.push(score);
        return true;
      });
    }
  } else if (op === "union") {
    const accumulated = new Map<string, number>();
    for (const input of inputs) {
      if (input.size === 0) continue;
      input.visit((member, s) => {
        let score = input.weight * s;
        if (Number.isNaN(score)) score = 0;
        const before = accumulated.get(member);
        accumulated.set(member, before === undefined ? score : aggregate(before, score, how));
        return true;
      });
    }
    for (const [member, score] of accumulated) {
      members.push(member);
      scores.push(score);
    }
  } else {
    const first = inputs[0];
    if (first.size > 0) {
      first.visit((member, s) => {
        for (let k = 1; k < inputs.length; k++) {
          if (inputs[k].score(member) !== undefined) return true;
        }
        members.push(member);
        scores.push(s);
        return true;
      });
    }
  }

  if (output.kind === "cardinality") {
    c.out.integer(cardinality);
  } else if (output.kind === "store") {
    const value = members.length > 0 ? ZSetValue.fromEntries(members, scores, zsetLimits(c)) : null;
    storeResult(c, output.dst, value, output.event);
  } else {
    orderEntries(members, scores);
    membersHeader(c, members.length, withScores);
    for (let i = 0; i < members.length; i++) memberReply(c, members[i], scores[i], withScores);
  }
}

/** The documentation facts that differ between the set-operation commands. */
type SetOpDocs = Pick<CommandDecl, "name" | "since" | "summary" | "complexity" | "syntax">;

function storeSpec(docs: SetOpDocs, op: SetOp): CommandSpec {
  const name = docs.name;
  return command({
    ...docs,
    arity: -4,
    flags: ["write", "denyoom"],
    keySpecs: ["OW update", "RO access index:2 keynum:0:1:1"],
    keys: numkeysFinder(2, 1),
    group: "sorted-set",
    handler: (c, argv) =>
      setOpGeneric(c, argv, 2, op, { kind: "store", dst: argv[1], event: name }, name),
  });
}

function readSpec(docs: SetOpDocs, op: SetOp): CommandSpec {
  const name = docs.name;
  return command({
    ...docs,
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access keynum:0:1:1"],
    keys: numkeysFinder(1),
    group: "sorted-set",
    handler: (c, argv) => setOpGeneric(c, argv, 1, op, { kind: "reply" }, name),
  });
}

const UNION_COMPLEXITY =
  "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY =
  "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY =
  "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";
const WEIGHTS_AGGREGATE = "[WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]{aggregate}";

/** Set-operation command specs. */
export const ZSET_SETOP_COMMANDS: CommandSpec[] = [
  readSpec({
    name: "zunion",
    since: "6.2.0",
    summary: "Add multiple sorted sets",
    complexity: UNION_COMPLEXITY,
    syntax: `numkeys key [key ...] ${WEIGHTS_AGGREGATE} [WITHSCORES]`,
  }, "union"),
  readSpec({
    name: "zinter",
    since: "6.2.0",
    summary: "Intersect multiple sorted sets",
    complexity: INTER_COMPLEXITY,
    syntax: `numkeys key [key ...] ${WEIGHTS_AGGREGATE} [WITHSCORES]`,
  }, "inter"),
  readSpec({
    name: "zdiff",
    since: "6.2.0",
    summary: "Subtract multiple sorted sets",
    complexity: DIFF_COMPLEXITY,
    syntax: "numkeys key [key ...] [WITHSCORES]",
  }, "diff"),
  storeSpec({
    name: "zunionstore",
    since: "2.0.0",
    summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
    complexity:
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    syntax: `destination numkeys key [key ...] ${WEIGHTS_AGGREGATE}`,
  }, "union"),
  storeSpec({
    name: "zinterstore",
    since: "2.0.0",
    summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
    complexity: INTER_COMPLEXITY,
    syntax: `destination numkeys key [key ...] ${WEIGHTS_AGGREGATE}`,
  }, "inter"),
  storeSpec({
    name: "zdiffstore",
    since: "6.2.0",
    summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
    complexity: DIFF_COMPLEXITY,
    syntax: "destination numkeys key [key ...]",
  }, "diff"),
  command({
    name: "zintercard",
    arity: -3,
    flags: ["readonly"],
    keySpecs: ["RO access keynum:0:1:1"],
    keys: numkeysFinder(1),
    group: "sorted-set",
    since: "7.0.0",
    summary: "Intersect multiple sorted sets and return the cardinality of the result",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    syntax: "numkeys key [key ...] [LIMIT limit]",
    handler: (c, argv) => setOpGeneric(c, argv, 1, "inter", { kind: "cardinality" }, "zintercard"),
  }),
];
