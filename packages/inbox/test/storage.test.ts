// The storage contract: every operation's promise, the same tests on SQLite and PostgreSQL over the seam. Claims skip
// what another worker holds, hand over what a stopped worker held once its lease ran out, keep one subject's
// deliveries in order and one at a time; a delivery is stored once per key, its log row written when it arrives and
// when it is done, its queue row gone once it is handled or dead.
import { describe, expect, it } from "vitest";
import { claim } from "../src/operations/claim.js";
import { complete } from "../src/operations/complete.js";
import { extendLeases } from "../src/operations/extend-lease.js";
import { bury, reschedule } from "../src/operations/fail.js";
import {
  countDeliveries,
  countsSql,
  getDelivery,
  listDeliveries,
  queueLength,
} from "../src/operations/read.js";
import { release } from "../src/operations/release.js";
import { retry } from "../src/operations/retry.js";
import { storeDeliveries } from "../src/operations/store.js";
import { delivery, pause, seamForTest, store, testEngines } from "./support.js";

const engines = await testEngines();

const ids = (claimed: { id: number }[]) => claimed.map((d) => d.id);

describe.each(engines)("the storage contract on %s", (engine) => {
  it("stores a delivery's log row and its queue row in one commit, with the bytes as received", async () => {
    const db = await seamForTest(engine);
    const [stored] = await store(db, delivery(1));
    expect(stored).toEqual({ id: expect.any(Number), duplicate: false });
    const detail = await getDelivery(db, String(stored?.id));
    expect(detail).toMatchObject({ deliveryKey: "key-1", state: "queued", status: "accepted", attempts: 0 });
    expect(detail?.body?.toString()).toBe('{"n":1}');
    expect(detail?.headers).toEqual({ "svix-id": "msg_1" });
    expect(await queueLength(db)).toBe(1);
  });

  it("stores a delivery key once: again in a later batch or twice in one, it is a duplicate of the first row", async () => {
    const db = await seamForTest(engine);
    const [first] = await store(db, delivery(1));
    const again = await store(db, delivery(2), delivery(1), delivery(2));
    expect(again.map((s) => s.duplicate)).toEqual([false, true, true]);
    expect(again[1]?.id).toBe(first?.id);
    expect(again[2]?.id).toBe(again[0]?.id);
    expect(await queueLength(db)).toBe(2);
    expect(await listDeliveries(db)).toHaveLength(2);
  });

  it("two batches at once holding the same keys in crossed order both store: each key once, answered the same id", async () => {
    // On PostgreSQL each batch waits for the other's uncommitted rows of the same keys: a deadlock, which the server
    // breaks by aborting one of them; that batch is stored again.
    const db = await seamForTest(engine);
    // Two connections open first, so that both batches start together.
    await Promise.all([
      db.transaction((tx) => tx.query("SELECT 1")),
      db.transaction((tx) => tx.query("SELECT 1")),
    ]);
    const keys = Array.from({ length: 1000 }, (_, n) => delivery(n));
    const [forward, backward] = await Promise.all([
      storeDeliveries(db, keys),
      storeDeliveries(db, [...keys].reverse()),
    ]);
    const idOf = new Map(forward.map((s, n) => [n, s.id]));
    expect(backward.map((s) => s.id).reverse()).toEqual([...idOf.values()]);
    expect(new Set(idOf.values()).size).toBe(1000);
    const fresh = [...forward, ...backward].filter((s) => !s.duplicate);
    expect(fresh).toHaveLength(1000);
    expect(await queueLength(db)).toBe(1000);
  });

  it("a claim skips what another worker holds, and counts the run", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1), delivery(2), delivery(3));
    const first = await claim(db, "w1", 2, 60_000);
    const second = await claim(db, "w2", 10, 60_000);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect(await claim(db, "w3", 10, 60_000)).toEqual([]);
    expect(first.map((d) => d.attempt)).toEqual([1, 1]);
    expect(first[0]?.body.toString()).toBe('{"n":1}');
    expect((await countDeliveries(db)).running).toBe(3);
  });

  it("a claim whose lease ran out goes to another worker as the next run, and the old holder can no longer fail it", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1));
    const stale = await claim(db, "stopped", 10, 50);
    await pause(120);
    const taken = await claim(db, "alive", 10, 60_000);
    expect(ids(taken)).toEqual(ids(stale));
    expect(taken[0]?.attempt).toBe(2);
    await db.transaction((tx) =>
      reschedule(tx, db.dialect.now, {
        id: ids(stale)[0] as number,
        owner: "stopped",
        delayMs: 0,
        error: "x",
      }),
    );
    expect((await listDeliveries(db))[0]).toMatchObject({ state: "running", lastError: null });
  });

  it("a release gives back only the releaser's leases, as never claimed: the run it counted is taken back", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1), delivery(2), delivery(3));
    const mine = await claim(db, "w1", 2, 60_000);
    const theirs = await claim(db, "w2", 1, 60_000);
    expect(await release(db, "w1", [...ids(mine), ...ids(theirs)])).toBe(2);
    for (const id of ids(mine))
      expect(await getDelivery(db, String(id))).toMatchObject({ state: "queued", attempts: 0 });
    expect(await getDelivery(db, String(theirs[0]?.id))).toMatchObject({ state: "running", attempts: 1 });
    const again = await claim(db, "w3", 10, 60_000);
    expect(ids(again)).toEqual(ids(mine));
    expect(again.map((d) => d.attempt)).toEqual([1, 1]);
    expect(await release(db, "w1", [])).toBe(0);
  });

  it("a heartbeat keeps a lease alive, and says which leases are no longer this worker's", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1), delivery(2));
    const mine = await claim(db, "w1", 2, 100);
    await pause(60);
    expect(await extendLeases(db, "w1", [ids(mine)[0] as number], 60_000)).toEqual([ids(mine)[0]]);
    await pause(80);
    // The first lease was extended; the second ran out and another worker took it.
    const taken = await claim(db, "w2", 10, 60_000);
    expect(ids(taken)).toEqual([ids(mine)[1]]);
    expect(await extendLeases(db, "w1", ids(mine), 60_000)).toEqual([ids(mine)[0]]);
  });

  it("one subject's later delivery waits while an earlier one is queued, running or retrying, then runs", async () => {
    const db = await seamForTest(engine);
    const [a, b] = await store(db, delivery(1, "bot-x"), delivery(2, "bot-x"), delivery(3, "bot-y"));
    const first = await claim(db, "w1", 10, 60_000);
    expect(ids(first)).toEqual([a?.id, 3]);
    expect(await claim(db, "w2", 10, 60_000)).toEqual([]); // b waits behind a, which is running
    await db.transaction((tx) =>
      reschedule(tx, db.dialect.now, { id: a?.id as number, owner: "w1", delayMs: 60_000, error: "down" }),
    );
    expect(await claim(db, "w2", 10, 60_000)).toEqual([]); // and still while a waits for its next run
    await db.transaction((tx) => complete(tx, db.dialect.now, [3]));
    await db.transaction((tx) => bury(tx, db.dialect.now, { id: a?.id as number, owner: "w1", error: "x" }));
    expect(await claim(db, "w2", 10, 60_000)).toEqual([]); // a was not held by w1 any more: nothing changed
    await retry(db, a?.id as number); // a runs now
    const again = await claim(db, "w2", 10, 60_000);
    expect(ids(again)).toEqual([a?.id]);
    await db.transaction((tx) => complete(tx, db.dialect.now, [a?.id as number]));
    expect(ids(await claim(db, "w2", 10, 60_000))).toEqual([b?.id]);
  });

  it("a delivery committed late with a smaller id waits while a later one of its subject runs", async () => {
    const db = await seamForTest(engine);
    const [later] = await store(db, delivery(2, "bot-x"));
    expect(ids(await claim(db, "w1", 10, 60_000))).toEqual([later?.id]);
    // Two group commits in flight at once (two processes) can commit their ids out of order: id 0 appears now.
    const given = engine === "postgres" ? "OVERRIDING SYSTEM VALUE" : "";
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO inbox_deliveries (id, delivery_key, provider, channel, status, headers, body, received_at, subject)
         ${given} VALUES (0, 'late', 'meetingbaas', 'webhook', 'accepted', '{}', $1, 0, 'bot-x')`,
        [Buffer.from("{}")],
      );
      await tx.query("INSERT INTO inbox_queue (delivery_id, subject, run_at) VALUES (0, 'bot-x', 0)");
    });
    expect(await claim(db, "w2", 10, 60_000)).toEqual([]);
    await db.transaction((tx) => complete(tx, db.dialect.now, [later?.id as number]));
    expect(ids(await claim(db, "w2", 10, 60_000))).toEqual([0]);
  });

  it("deliveries without a subject have no order to keep: they run side by side", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1, null), delivery(2, null), delivery(3, null));
    expect(await claim(db, "w1", 10, 60_000)).toHaveLength(3);
  });

  it("a retried delivery waits for its run time; a dead one leaves the queue and lets its subject move on", async () => {
    const db = await seamForTest(engine);
    const [a, b] = await store(db, delivery(1, "bot-x"), delivery(2, "bot-x"));
    const [claimed] = await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) =>
      reschedule(tx, db.dialect.now, { id: claimed?.id as number, owner: "w1", delayMs: 150, error: "boom" }),
    );
    expect(await claim(db, "w1", 10, 60_000)).toEqual([]);
    expect((await listDeliveries(db, { state: "retrying" })).map((d) => d.id)).toEqual([String(a?.id)]);
    await pause(200);
    const [again] = await claim(db, "w1", 10, 60_000);
    expect(again).toMatchObject({ id: a?.id, attempt: 2 });
    await db.transaction((tx) =>
      bury(tx, db.dialect.now, { id: a?.id as number, owner: "w1", error: "gave up" }),
    );
    const [dead] = await listDeliveries(db, { state: "dead" });
    expect(dead).toMatchObject({ id: String(a?.id), state: "dead", attempts: 2, lastError: "gave up" });
    expect(ids(await claim(db, "w1", 10, 60_000))).toEqual([b?.id]);
  });

  it("handling a delivery gives its log row a final state and deletes its queue row; a second success changes nothing", async () => {
    const db = await seamForTest(engine);
    const [a] = await store(db, delivery(1));
    await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) => complete(tx, db.dialect.now, [a?.id as number]));
    await db.transaction((tx) => complete(tx, db.dialect.now, [a?.id as number]));
    expect(await queueLength(db)).toBe(0);
    const [record] = await listDeliveries(db);
    expect(record).toMatchObject({ state: "handled", attempts: 1, runAt: null });
    expect(record?.finishedAt).toBeInstanceOf(Date);
    expect(await retry(db, a?.id as number)).toBe(false);
  });

  it("retry re-queues a dead delivery with fresh attempts", async () => {
    const db = await seamForTest(engine);
    const [a] = await store(db, delivery(1));
    await claim(db, "w1", 1, 60_000);
    await db.transaction((tx) => bury(tx, db.dialect.now, { id: a?.id as number, owner: "w1", error: "x" }));
    expect(await retry(db, a?.id as number)).toBe(true);
    expect(await retry(db, 424242)).toBe(false);
    const [claimed] = await claim(db, "w1", 1, 60_000);
    expect(claimed).toMatchObject({ id: a?.id, attempt: 1 });
  });

  it("counts and lists deliveries by state and status", async () => {
    const db = await seamForTest(engine);
    await store(db, delivery(1), delivery(2), {
      ...delivery(3),
      status: "quarantined",
      issues: [{ pointer: "/data" }],
    });
    await claim(db, "w1", 1, 60_000);
    expect(await countDeliveries(db)).toEqual({
      queued: 2,
      running: 1,
      retrying: 0,
      dead: 0,
      quarantined: 1,
    });
    const [quarantined] = await listDeliveries(db, { status: "quarantined" });
    expect(quarantined?.issues).toEqual([{ pointer: "/data" }]);
    expect((await listDeliveries(db, { limit: 2 })).map((d) => d.deliveryKey)).toEqual(["key-3", "key-2"]);
    const page = await listDeliveries(db, { before: quarantined?.id as string });
    expect(page.map((d) => d.deliveryKey)).toEqual(["key-2", "key-1"]);
  });
});

describe.each(engines)("counting on %s", (engine) => {
  it("reads the queue and the log's dead and quarantined indexes, never the whole log", async () => {
    const db = await seamForTest(engine);
    const sql = countsSql(db.dialect.now);
    const log =
      engine === "sqlite"
        ? (await db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)).map((step) => step.detail)
        : // On an empty table PostgreSQL rightly prefers a sequential scan; without one, the plan shows what serves.
          await db.transaction(async (tx) => {
            await tx.query("SET LOCAL enable_seqscan = off");
            return (await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`)).map(
              (step) => step["QUERY PLAN"],
            );
          });
    expect(log.filter((step) => /inbox_deliveries\b|\bd\b/.test(step)).map((step) => step.trim())).toEqual(
      engine === "sqlite"
        ? [
            "SCAN d USING COVERING INDEX inbox_deliveries_dead",
            "SCAN d USING COVERING INDEX inbox_deliveries_quarantined",
          ]
        : [
            expect.stringMatching(/^-> +Index Only Scan using inbox_deliveries_dead on inbox_deliveries d/),
            expect.stringMatching(
              /^-> +Index Only Scan using inbox_deliveries_quarantined on inbox_deliveries d/,
            ),
          ],
    );
  });
});
