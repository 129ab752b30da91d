// The storage interface's promises to the worker loop, on both engines: claims skip what another worker holds, an
// expired lease hands the claims over and the old holder applies nothing, a meeting's later delivery waits for its
// earlier one, and the same delivery stored by two replicas at once is one row with two attempts.
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareProjection } from "../src/projection.js";
import { openStorage, type Storage } from "../src/storage/index.js";
import { dropSchema, postgresForTests, schemaName } from "./postgres.js";
import { pendingDelivery as delivery, testConfig, testEngines } from "./support.js";

const engines = await testEngines();
const project = (deliveries: Parameters<typeof prepareProjection>[0]) =>
  prepareProjection(deliveries, { cronofyApiKey: undefined });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("storage on %s", (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Two handles on one database, as two processes would have. */
  async function open(): Promise<[Storage, Storage]> {
    const url = engine === "postgres" ? await postgresForTests() : undefined;
    const config = testConfig(
      url ? { databaseUrl: url, databaseSchema: schemaName(), databasePoolSize: 4 } : {},
    );
    cleanups.push(async () =>
      url
        ? dropSchema(url, config.databaseSchema)
        : rmSync(dirname(config.databasePath), { recursive: true }),
    );
    const first = await openStorage(config);
    cleanups.push(() => first.close());
    const second = await openStorage(config);
    cleanups.push(() => second.close());
    return [first, second];
  }

  it("a second worker's claim skips the deliveries the first one holds", async () => {
    const [storage] = await open();
    for (let n = 1; n <= 5; n++) await storage.storeDelivery(delivery(n));
    const first = await storage.claim("w1", 2, 60_000);
    const second = await storage.claim("w2", 10, 60_000);
    expect(first.map((d) => d.id)).toHaveLength(2);
    expect(second).toHaveLength(3);
    expect(second.some((d) => first.some((f) => f.id === d.id))).toBe(false);
    expect(await storage.claim("w3", 10, 60_000)).toEqual([]);
  });

  it("claims whose lease expired go to another worker, and the old holder then applies nothing", async () => {
    const [storage] = await open();
    await storage.storeDelivery(delivery(1));
    const stale = await storage.claim("killed", 10, 1);
    await pause(20); // past the 1 ms lease
    const taken = await storage.claim("alive", 10, 60_000);
    expect(taken.map((d) => d.id)).toEqual(stale.map((d) => d.id));
    expect((await storage.applyBatch("killed", stale, project)).applied).toEqual([]);
    expect((await storage.applyBatch("alive", taken, project)).applied).toHaveLength(1);
    expect(await storage.counts()).toMatchObject({ processed: 1, timeline: 1, pending: 0, claimed: 0 });
  });

  it("a meeting's later delivery waits while another worker holds its earlier one", async () => {
    const [storage] = await open();
    await storage.storeDelivery(delivery(1, 7));
    await storage.storeDelivery(delivery(2, 7));
    const [earlier] = await storage.claim("w1", 1, 60_000);
    const later = await storage.claim("w2", 1, 60_000);
    expect(await storage.applyBatch("w2", later, project)).toEqual({ applied: [], deferred: 1 });
    expect((await storage.applyBatch("w1", earlier ? [earlier] : [], project)).applied).toHaveLength(1);
    const again = await storage.claim("w2", 10, 60_000);
    expect(again.map((d) => d.id)).toEqual(later.map((d) => d.id));
    expect((await storage.applyBatch("w2", again, project)).applied).toHaveLength(1);
  });

  it("the same delivery stored through two handles at the same moment is one row with two attempts", async () => {
    const [one, two] = await open();
    const results = await Promise.all([one.storeDelivery(delivery(1)), two.storeDelivery(delivery(1))]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(results[0]?.id).toBe(results[1]?.id);
    expect(await one.counts()).toMatchObject({ deliveries: 1, attempts: 2 });
  });

  it("a worker is woken by the commit, not by its once-a-second poll (on PostgreSQL another process's, by a NOTIFY after the commit)", async () => {
    const [ingest, other] = await open();
    // SQLite serves one process: its worker listens on the handle that commits.
    const worker = engine === "postgres" ? other : ingest;
    let woken = 0;
    worker.onPending(() => woken++);
    const until = async (done: () => boolean) => {
      for (let waited = 0; !done(); waited += 10) {
        if (waited > 500) throw new Error("the worker was not woken within 500 ms");
        await pause(10);
      }
    };
    if (engine === "postgres") await until(() => woken > 0); // it looks once as soon as it listens
    const before = woken;
    // A burst of commits: each wakes it, and the wake-ups are coalesced rather than one per delivery.
    await Promise.all(Array.from({ length: 200 }, (_, n) => ingest.storeDelivery(delivery(n + 1))));
    await until(() => woken > before);
    await pause(50);
    expect(woken - before).toBeLessThan(200);
  });
});
