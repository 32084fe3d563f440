/**
 * Groups concurrent work into batches without timers: an item leaves at once while fewer than `maxInFlight`
 * batches run; otherwise it waits, and everything waiting leaves together (up to `maxBatch`) when a batch
 * finishes. A quiet server sends every item alone, with no added latency; a busy one sends many items in one
 * statement, one round trip and one commit.
 *
 * `run` answers each item of a batch, in order; if it throws, every item of that batch fails with the error.
 */
export function createBatcher<T, R>(
  run: (items: T[]) => Promise<R[]>,
  { maxInFlight, maxBatch }: { maxInFlight: number; maxBatch: number },
): (item: T) => Promise<R> {
  type Waiting = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  const waiting: Waiting[] = [];
  let inFlight = 0;

  const send = (batch: Waiting[]) => {
    inFlight++;
    run(batch.map((w) => w.item))
      .then(
        (results) => {
          for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        dispatch();
      });
  };
  const dispatch = () => {
    while (inFlight < maxInFlight && waiting.length > 0) send(waiting.splice(0, maxBatch));
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      dispatch();
    });
}
