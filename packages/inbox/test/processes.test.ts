// Several processes share one PostgreSQL inbox: three apps as real processes over one schema, deliveries posted to
// any of them (some raced to two at once), one SIGKILLed mid-run. Every acknowledged delivery is handled, none again
// once its success was recorded (only runs cut short by the kill run twice), and each meeting's deliveries run one
// after another in the order they were stored.

import { join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { queueLength } from "../src/operations/read.js";
import {
  type AppProcess,
  post,
  readLog,
  readRuns,
  startApp,
  stopApp,
  violations,
} from "./processes/harness.js";
import { databaseForTest, postgresForTests, seamForTest, statusChange, until } from "./support.js";

const postgres = await postgresForTests();

describe.runIf(postgres)("several processes on one PostgreSQL inbox", () => {
  it("3 apps, duplicates raced across them, one SIGKILLed mid-run: every acknowledged delivery handled, in order per subject, none after its success", async () => {
    const database = await databaseForTest("postgres");
    const dir = tempDirForTest("meeting-webhooks-inbox-processes-");
    const env = { INBOX_DATABASE: database, RUNS_FILE: join(dir, "runs.jsonl"), LEASE_MS: "1500" };
    // All three start together on an empty schema: the migrations run once, under their advisory lock.
    const apps = await Promise.all([startApp(env), startApp(env), startApp(env)]);
    const alive = new Set<AppProcess>(apps);
    const victim = apps[0] as AppProcess;
    const acknowledged = new Set<string>();
    const pick = () => {
      const list = [...alive];
      return list[Math.floor(Math.random() * list.length)] as AppProcess;
    };
    const sender = async (bot: number) => {
      for (let step = 0; step < 25; step++) {
        const delivery = await statusChange(bot, step, `msg_multi_${bot}_${step}`);
        for (;;) {
          // A provider retries a delivery that got no answer; a third of them reach two processes at once.
          const targets = Math.random() < 0.3 ? [pick(), pick()] : [pick()];
          const statuses = await Promise.all(targets.map((app) => post(app, delivery)));
          if (statuses.includes(202)) {
            acknowledged.add(`meetingbaas:webhook:msg_multi_${bot}_${step}`);
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const senders = Array.from({ length: 16 }, (_, bot) => sender(bot));
    await until("100 acknowledged deliveries", () => acknowledged.size >= 100);
    alive.delete(victim);
    await stopApp(victim, "SIGKILL");
    await Promise.all(senders);

    const db = await seamForTest("postgres", database);
    await until("the queue to drain", async () => (await queueLength(db)) === 0, 40_000);
    await Promise.all([...alive].map((app) => stopApp(app)));
    const log = await readLog(db);
    const runs = readRuns(env.RUNS_FILE);
    expect(violations({ acknowledged, log, runs, killed: new Set([victim.pid]) })).toEqual({});
    expect(acknowledged.size).toBe(16 * 25);
    expect(log).toHaveLength(16 * 25); // duplicates raced across processes were stored once
    expect(new Set(runs.map((run) => run.pid)).size).toBe(3);
  });
});
