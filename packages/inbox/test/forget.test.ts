// The erasure contract, the same tests on SQLite and PostgreSQL over the seam: `forget` and a retention step blank
// what finished deliveries said and mark the row, never touch a delivery still in the queue, keep the row (so its key
// stays a duplicate), and erase each row once however many erasures run at once.
import { describe, expect, it } from "vitest";
import type { Database } from "../src/database/seam.js";
import { claim } from "../src/operations/claim.js";
import { complete } from "../src/operations/complete.js";
import { bury, reschedule } from "../src/operations/fail.js";
import { ForgetRefused, forget, forgetExpired } from "../src/operations/forget.js";
import { getDelivery, listDeliveries, queueLength } from "../src/operations/read.js";
import { retry } from "../src/operations/retry.js";
import { databaseForTest, delivery, pause, seamForTest, store, testEngines } from "./support.js";

const engines = await testEngines();

/** Stores `n` deliveries from `first` on (one subject each unless given) and handles them all. */
async function handled(db: Database, first: number, n: number, subject?: string): Promise<string[]> {
  const stored = await store(
    db,
    ...Array.from({ length: n }, (_, i) => delivery(first + i, subject ?? `meetingbaas:bot-${first + i}`)),
  );
  const ids = stored.map((s) => s.id);
  await claim(db, "w1", n, 60_000);
  await db.transaction((tx) => complete(tx, db.dialect.now, ids));
  return ids.map(String);
}

const later = () => new Date(Date.now() + 60_000);

describe.each(engines)("the erasure contract on %s", (engine) => {
  it("forget blanks the body, headers, issues, drift and last error of handled and dead deliveries, and marks them", async () => {
    const db = await seamForTest(engine);
    const [done] = await handled(db, 1, 1);
    const [dead] = await store(db, { ...delivery(2), drift: [{ pointer: "/data/new" }] });
    await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) =>
      bury(tx, db.dialect.now, { id: dead?.id as number, owner: "w1", error: "Ana" }),
    );
    expect(await forget(db, { ids: [done as string, String(dead?.id)] })).toBe(2);
    for (const id of [done as string, String(dead?.id)]) {
      const detail = await getDelivery(db, id);
      expect(detail).toMatchObject({ body: null, headers: null, issues: [], drift: [], lastError: null });
      expect(detail?.forgotten).toEqual({ at: expect.any(Date), by: "request" });
    }
    const raw = await db.query<{ body: Buffer; headers: string }>(
      "SELECT body, headers FROM inbox_deliveries WHERE id = $1",
      [dead?.id as number],
    );
    expect(raw).toEqual([{ body: Buffer.alloc(0), headers: "{}" }]);
  });

  it("keeps what a forgotten row says of itself: key, provider, channel, event, subject, status, outcome, attempts and times", async () => {
    const db = await seamForTest(engine);
    const [id] = await handled(db, 1, 1);
    const [before] = await listDeliveries(db);
    await forget(db, { ids: [id as string] });
    const [after] = await listDeliveries(db);
    expect(after).toEqual({ ...before, forgotten: { at: expect.any(Date), by: "request" } });
  });

  it("never touches a delivery still queued, running or retrying, whatever the filter", async () => {
    const db = await seamForTest(engine);
    const [running, retrying] = await store(db, delivery(1, null), delivery(2, null));
    await claim(db, "w1", 2, 60_000);
    await db.transaction((tx) =>
      reschedule(tx, db.dialect.now, {
        id: retrying?.id as number,
        owner: "w1",
        delayMs: 60_000,
        error: "x",
      }),
    );
    await store(db, delivery(3, null));
    expect(await forget(db, { before: later() })).toBe(0);
    expect((await listDeliveries(db)).map((d) => [d.state, d.forgotten])).toEqual([
      ["queued", null],
      ["retrying", null],
      ["running", null],
    ]);
    expect((await getDelivery(db, String(running?.id)))?.body?.toString()).toBe('{"n":1}');
  });

  it("erases a meeting's finished deliveries by subject and leaves its pending ones until they are done", async () => {
    const db = await seamForTest(engine);
    await handled(db, 1, 2, "meetingbaas:bot-x");
    await handled(db, 3, 1, "meetingbaas:bot-y");
    const [pending] = await store(db, delivery(4, "meetingbaas:bot-x"));
    expect(await forget(db, { subject: "meetingbaas:bot-x" })).toBe(2);
    expect((await getDelivery(db, String(pending?.id)))?.forgotten).toBeNull();
    expect((await listDeliveries(db, { subject: "meetingbaas:bot-y" }))[0]?.forgotten).toBeNull();
    await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) => complete(tx, db.dialect.now, [pending?.id as number]));
    expect(await forget(db, { subject: "meetingbaas:bot-x" })).toBe(1);
  });

  it("matches every field given: received before a time, of a subject, and among ids", async () => {
    const db = await seamForTest(engine);
    const ids = await handled(db, 1, 3, "meetingbaas:bot-x");
    expect(await forget(db, { before: new Date(Date.now() - 60_000) })).toBe(0);
    expect(await forget(db, { subject: "meetingbaas:bot-y", before: later() })).toBe(0);
    expect(await forget(db, { subject: "meetingbaas:bot-x", ids: [ids[0] as string, "not-an-id"] })).toBe(1);
    expect(await forget(db, { ids: [] })).toBe(0);
    expect(await forget(db, { before: later().getTime(), subject: "meetingbaas:bot-x" })).toBe(2);
  });

  it("erases a row once: forgetting it again blanks nothing", async () => {
    const db = await seamForTest(engine);
    const [id] = await handled(db, 1, 1);
    expect(await forget(db, { ids: [id as string] })).toBe(1);
    const first = (await getDelivery(db, id as string))?.forgotten;
    await pause(5);
    expect(await forget(db, { before: later() })).toBe(0);
    expect((await getDelivery(db, id as string))?.forgotten).toEqual(first);
  });

  it("refuses an empty filter, which would erase every finished delivery", async () => {
    const db = await seamForTest(engine);
    await expect(forget(db, {})).rejects.toThrow(/give before, subject or ids/);
    await expect(forget(db, { before: Number.NaN })).rejects.toThrow(/before must be/);
  });

  it("keeps a forgotten delivery's key: storing it again is a duplicate of the forgotten row and queues nothing", async () => {
    const db = await seamForTest(engine);
    const [id] = await handled(db, 1, 1);
    await forget(db, { ids: [id as string] });
    expect(await store(db, delivery(1))).toEqual([{ id: Number(id), duplicate: true }]);
    expect(await queueLength(db)).toBe(0);
  });

  it("leaves a forgotten dead delivery dead: retry refuses it, having no body to run", async () => {
    const db = await seamForTest(engine);
    const [a] = await store(db, delivery(1));
    await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) => bury(tx, db.dialect.now, { id: a?.id as number, owner: "w1", error: "x" }));
    await forget(db, { ids: [String(a?.id)] });
    expect(await retry(db, a?.id as number)).toBe(false);
    expect((await listDeliveries(db))[0]).toMatchObject({ state: "dead" });
  });

  it("a retention step erases up to 500 finished deliveries older than its age by the database's clock, marked retention", async () => {
    const db = await seamForTest(engine);
    await handled(db, 1, 520);
    expect(await forgetExpired(db, 60_000)).toBe(0);
    await pause(20);
    expect(await forgetExpired(db, 10)).toBe(500);
    expect(await forgetExpired(db, 10)).toBe(20);
    expect(await forgetExpired(db, 10)).toBe(0);
    const [one] = await listDeliveries(db, { limit: 1 });
    expect(one?.forgotten?.by).toBe("retention");
  });

  it("erases each row once when retention steps run at once on several connections", async () => {
    const database = await databaseForTest(engine);
    const dbs = await Promise.all([1, 2, 3].map(() => seamForTest(engine, database)));
    await handled(dbs[0] as Database, 1, 1200);
    await pause(20);
    const passes = dbs.map(async (db) => {
      let erased = 0;
      for (let n = await forgetExpired(db, 10); n > 0; n = await forgetExpired(db, 10)) erased += n;
      return erased;
    });
    expect((await Promise.all(passes)).reduce((a, b) => a + b, 0)).toBe(1200);
    expect(await forgetExpired(dbs[0] as Database, 10)).toBe(0);
  });
  it("with whenPending refuse, erases nothing while a matching delivery is pending, and says how many", async () => {
    const db = await seamForTest(engine);
    const [done] = await handled(db, 1, 1, "meetingbaas:bot-x");
    await store(db, delivery(2, "meetingbaas:bot-x"));
    const refused = forget(db, { subject: "meetingbaas:bot-x" }, { whenPending: "refuse" });
    await expect(refused).rejects.toBeInstanceOf(ForgetRefused);
    await expect(refused).rejects.toMatchObject({ code: "deliveries_pending", pending: 1 });
    expect((await getDelivery(db, done as string))?.forgotten).toBeNull();
    await claim(db, "w1", 1, 60_000);
    await expect(forget(db, { ids: [done as string, "3"] }, { whenPending: "refuse" })).resolves.toBe(1);
  });

  it("runs alsoErase in the erasure's transaction: its writes commit with it, and when it throws nothing is erased", async () => {
    const db = await seamForTest(engine);
    await db.query("CREATE TABLE app_rows (subject TEXT NOT NULL)");
    await db.query("INSERT INTO app_rows (subject) VALUES ('meetingbaas:bot-1'), ('meetingbaas:bot-2')");
    const [id] = await handled(db, 1, 1);
    const failing = forget(
      db,
      { subject: "meetingbaas:bot-1" },
      {
        alsoErase: async (tx) => {
          await tx.query("DELETE FROM app_rows WHERE subject = $1", ["meetingbaas:bot-1"]);
          throw new Error("the app's erasure failed");
        },
      },
    );
    await expect(failing).rejects.toThrow("the app's erasure failed");
    expect((await getDelivery(db, id as string))?.forgotten).toBeNull();
    expect(await db.query("SELECT subject FROM app_rows ORDER BY subject")).toHaveLength(2);
    const erased = await forget(
      db,
      { subject: "meetingbaas:bot-1" },
      { alsoErase: (tx) => tx.query("DELETE FROM app_rows WHERE subject = $1", ["meetingbaas:bot-1"]) },
    );
    expect(erased).toBe(1);
    expect(await db.query("SELECT subject FROM app_rows")).toEqual([{ subject: "meetingbaas:bot-2" }]);
  });

  it("a retention step hands alsoErase the cutoff it used (the database's clock minus the age), in its transaction", async () => {
    const db = await seamForTest(engine);
    await handled(db, 1, 2);
    await pause(20);
    const [clock] = await db.query<{ now: number | string }>(`SELECT ${db.dialect.now} AS now`);
    const cutoffs: number[] = [];
    const erased = await forgetExpired(db, 10, async (tx, before) => {
      cutoffs.push(before);
      const [row] = await tx.query<{ n: number | string }>(
        "SELECT count(*) AS n FROM inbox_deliveries WHERE forgotten_at IS NOT NULL",
      );
      return Number(row?.n) === 2 ? 3 : 0; // the log's batch is already visible to the hook
    });
    expect(erased).toBe(5);
    expect(cutoffs[0]).toBeGreaterThanOrEqual(Number(clock?.now) - 10);
    expect(cutoffs[0]).toBeLessThan(Number(clock?.now) + 5_000);
  });
});
