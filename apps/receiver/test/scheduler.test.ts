// The worker loop under load: deliveries committed while a pass waits out PROCESSING_GATHER_MS join one larger batch,
// whose fixed cost (claim, locks, state, one commit) they share, instead of one small batch per commit.
import { expect, it } from "vitest";
import type { Downloader } from "../src/downloads.js";
import { Scheduler } from "../src/scheduler.js";
import { SqliteStorage } from "../src/storage/sqlite.js";
import { pendingDelivery } from "./support.js";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 40 deliveries committed one by one over ~100 ms; the sizes of the batches the loop applied. */
async function batchesWith(gatherMs: number): Promise<number[]> {
  const storage = new SqliteStorage(":memory:");
  const batches: number[] = [];
  const apply = storage.applyBatch.bind(storage);
  storage.applyBatch = (worker, deliveries, project) => {
    batches.push(deliveries.length);
    return apply(worker, deliveries, project);
  };
  const downloader = { runDue: async () => 0 } as unknown as Downloader;
  const options = {
    worker: "w",
    cronofyApiKey: undefined,
    batchSize: 500,
    leaseMs: 30_000,
    pollMs: 1000,
    gatherMs,
  };
  const scheduler = new Scheduler(storage, downloader, options, undefined);
  scheduler.start();
  try {
    for (let n = 1; n <= 40; n++) {
      await storage.storeDelivery(pendingDelivery(n));
      await pause(2);
    }
    for (let waited = 0; (await storage.counts()).processed < 40; waited += 10) {
      if (waited > 5000)
        throw new Error(`not processed after 5 s: ${JSON.stringify(await storage.counts())}`);
      await pause(10);
    }
  } finally {
    await scheduler.stop();
    await storage.close();
  }
  return batches;
}

it("a busy loop gathers deliveries into a few batches; without gathering it applies nearly one batch per commit", async () => {
  const gathered = await batchesWith(300);
  const eager = await batchesWith(0);
  expect(gathered.reduce((a, b) => a + b, 0)).toBe(40);
  expect(gathered.length).toBeLessThanOrEqual(3);
  expect(eager.length).toBeGreaterThan(10);
});
