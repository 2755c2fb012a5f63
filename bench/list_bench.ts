/**
 * ListValue costs by list length: pushing and popping at either end and
 * reading or writing near the ends (LINDEX 0 / -1, LSET -1) should not
 * depend on the length.
 *
 *   deno bench --allow-all bench/list_bench.ts
 */

import { ListValue } from "../src/store/list.ts";

const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const BATCH = 1000;

function build(n: number): ListValue {
  const list = new ListValue();
  for (let i = 0; i < n; i++) list.pushBack("member:" + i);
  return list;
}

for (const n of SIZES) {
  const list = build(n);
  const label = n.toLocaleString("en-US");
  const baseline = n === SIZES[0];

  Deno.bench(`RPUSH + LPOP x${BATCH} (len ${label})`, { group: "push-pop", baseline }, () => {
    for (let i = 0; i < BATCH; i++) {
      list.pushBack("x");
      list.popFront();
    }
  });

  Deno.bench(`LPUSH + RPOP x${BATCH} (len ${label})`, { group: "push-pop-head", baseline }, () => {
    for (let i = 0; i < BATCH; i++) {
      list.pushFront("x");
      list.popBack();
    }
  });

  Deno.bench(`LINDEX near both ends x${BATCH} (len ${label})`, { group: "index", baseline }, () => {
    let total = 0;
    for (let i = 0; i < BATCH; i++) {
      total += list.get(i & 7)!.length + list.get(-1 - (i & 7))!.length;
    }
    if (total === 0) throw new Error("unreachable");
  });

  Deno.bench(`LSET near the tail x${BATCH} (len ${label})`, { group: "set", baseline }, () => {
    for (let i = 0; i < BATCH; i++) list.set(n - 1 - (i & 7), "y");
  });
}

Deno.bench("grow to 1,000,000 by RPUSH", { group: "growth" }, () => {
  build(1_000_000);
});
