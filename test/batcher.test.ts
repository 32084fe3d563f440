import assert from "node:assert/strict";
import { test } from "node:test";
import { createBatcher } from "../src/db/batcher.ts";

/** A `run` whose batches finish only when the test says so, recording what each batch held. */
function controlledRun() {
  const batches: number[][] = [];
  const finish: Array<(fail?: Error) => void> = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      finish.push((fail) => (fail ? reject(fail) : resolve(items.map((i) => `answer ${i}`))));
    });
  };
  return { run, batches, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("alone, every item leaves at once; while batches run, items wait and leave together", async () => {
  const { run, batches, finish } = controlledRun();
  const submit = createBatcher(run, { maxInFlight: 2, maxBatch: 3 });
  const answers = [1, 2, 3, 4, 5, 6, 7].map((i) => submit(i));
  await tick();
  assert.deepEqual(batches, [[1], [2]], "two in flight, the rest waits");
  finish[0]?.();
  await tick();
  assert.deepEqual(batches.slice(2), [[3, 4, 5]], "one finished: up to maxBatch of the waiting leave");
  finish[1]?.();
  await tick();
  assert.deepEqual(batches.slice(3), [[6, 7]]);
  finish[2]?.();
  finish[3]?.();
  assert.deepEqual(
    await Promise.all(answers),
    [1, 2, 3, 4, 5, 6, 7].map((i) => `answer ${i}`),
  );
});

test("a failed batch fails each of its items, and the next batch still goes", async () => {
  const { run, batches, finish } = controlledRun();
  const submit = createBatcher(run, { maxInFlight: 1, maxBatch: 10 });
  const first = submit(1);
  const [second, third] = [submit(2), submit(3)];
  await tick();
  finish[0]?.();
  await tick();
  finish[1]?.(new Error("statement timeout"));
  await assert.rejects(second, /statement timeout/);
  await assert.rejects(third, /statement timeout/);
  assert.equal(await first, "answer 1");
  const fourth = submit(4);
  await tick();
  assert.deepEqual(batches.at(-1), [4]);
  finish[2]?.();
  assert.equal(await fourth, "answer 4");
});
