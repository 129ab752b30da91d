// The worker's own rules, over a real database on both engines: a slot is free as soon as its handler settles (the
// run's end is committed off that path), deliveries are claimed ahead under this worker's lease, and `stop()` waits
// for the commits still in flight and gives back what it claimed but never started.
import { describe, expect, it, onTestFinished } from "vitest";
import type { Database, Queryable } from "../src/database/seam.js";
import { getDelivery } from "../src/operations/read.js";
import type { Settlement } from "../src/run.js";
import { createWorker, type Recorded } from "../src/worker.js";
import { delivery, seamForTest, store, testEngines, until } from "./support.js";

const engines = await testEngines();

/** The seam, with every commit that records a handled run held until `open()`. */
function gateCompletions(db: Database) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  const gated: Database = {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    close: () => db.close(),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          async query(sql, params) {
            if (/^\s*UPDATE inbox_deliveries/.test(sql)) {
              held++;
              await gate;
            }
            return tx.query(sql, params);
          },
        } as Queryable),
      ),
  };
  return { db: gated, open, held: () => held };
}

function workerOver(
  gated: ReturnType<typeof gateCompletions>,
  run: (id: number) => Promise<Settlement>,
  recorded: Recorded[] = [],
  pollIntervalMs = 20,
) {
  const worker = createWorker({
    db: gated.db,
    owner: "worker-test",
    concurrency: 1,
    leaseMs: 30_000,
    pollIntervalMs,
    stopTimeoutMs: 5_000,
    run: (claimed) => run(claimed.id),
    recorded: (runs) => recorded.push(...runs),
    log: () => {},
  });
  onTestFinished(async () => {
    gated.open();
    await worker.stop();
  });
  return worker;
}

describe.each(engines)("the worker on %s", (engine) => {
  it("frees a slot when its handler settles: with one slot, the next delivery runs while the first end is uncommitted", async () => {
    const seam = await seamForTest(engine);
    await store(seam, delivery(1), delivery(2), delivery(3));
    const gated = gateCompletions(seam);
    const { open, held } = gated;
    const started: number[] = [];
    const recorded: Recorded[] = [];
    const worker = workerOver(
      gated,
      async (id) => {
        started.push(id);
        return { kind: "handled" };
      },
      recorded,
    );
    worker.start();
    // Each subject differs, so nothing orders them: all three run one after the other on the one slot while the
    // commit of the first end waits at the gate.
    await until(
      "every handler to run, the first end at the gate",
      () => started.length === 3 && held() === 1,
    );
    expect(recorded).toEqual([]);
    open();
    await worker.stop();
    expect(recorded.map((r) => r.delivery.id).sort()).toEqual([...started].sort());
    for (const id of started) expect(await getDelivery(seam, String(id))).toMatchObject({ state: "handled" });
  });

  it("stop() waits for the ends still being committed, then gives back only what it never started", async () => {
    const seam = await seamForTest(engine);
    await store(seam, delivery(1), delivery(2));
    const gated = gateCompletions(seam);
    const { open, held } = gated;
    const started: number[] = [];
    let finish!: () => void;
    const worker = workerOver(gated, async (id) => {
      started.push(id);
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { kind: "handled" };
    });
    worker.start();
    await until("the first handler to start", () => started.length === 1);
    const [first] = started as [number];
    const second = first === 1 ? 2 : 1;
    // The second one is claimed ahead: leased to this worker, its run counted.
    expect(await getDelivery(seam, String(second))).toMatchObject({ state: "running", attempts: 1 });
    const stopped = worker.stop();
    finish();
    await until("the first end to wait at the gate", () => held() === 1);
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(done).toBe(false);
    open();
    await stopped;
    expect(started).toEqual([first]);
    expect(await getDelivery(seam, String(first))).toMatchObject({ state: "handled", attempts: 1 });
    expect(await getDelivery(seam, String(second))).toMatchObject({ state: "queued", attempts: 0 });
  });

  it("claims a meeting's next delivery as soon as the previous end is committed, not at the next poll", async () => {
    const seam = await seamForTest(engine);
    await store(seam, delivery(1, "meeting"), delivery(2, "meeting"), delivery(3, "meeting"));
    const gated = gateCompletions(seam);
    gated.open();
    const started: number[] = [];
    const recorded: Recorded[] = [];
    // A poll a minute away: only the commit's wake-up can start the next one in time.
    const worker = workerOver(
      gated,
      async (id) => {
        started.push(id);
        return { kind: "handled" };
      },
      recorded,
      60_000,
    );
    worker.start();
    await until("the meeting's three deliveries to be recorded", () => recorded.length === 3, 10_000);
    expect(started).toEqual([...started].sort((a, b) => a - b));
  });
});
