// Crash safety on SQLite, with the app as a real process: SIGKILL it while deliveries pour in and its handlers run,
// restart it on the same file, and check every guarantee from the log and what the handlers recorded.
import { join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { openEngine } from "../src/database/open.js";
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
import { statusChange, until } from "./support.js";

describe("crash safety on SQLite", () => {
  it("after a SIGKILL mid-run and a restart, every acknowledged delivery is handled once its run is recorded, in order per subject", async () => {
    const dir = tempDirForTest("meeting-webhooks-inbox-crash-");
    const env = {
      INBOX_DATABASE: join(dir, "inbox.db"),
      RUNS_FILE: join(dir, "runs.jsonl"),
      LEASE_MS: "1000",
    };
    let app: AppProcess = await startApp(env);
    const first = app;
    const acknowledged = new Set<string>();
    let killed = false;
    const subjects = 12;
    const sender = async (bot: number) => {
      for (let step = 0; step < 40 && !killed; step++) {
        const delivery = await statusChange(bot, step, `msg_crash_${bot}_${step}`);
        // Like a provider: the next delivery of a meeting only after this one was acknowledged.
        for (;;) {
          const status = await post(app, delivery);
          if (status === 202) {
            acknowledged.add(`meetingbaas:webhook:msg_crash_${bot}_${step}`);
            break;
          }
          if (killed && app === first) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const senders = Array.from({ length: subjects }, (_, bot) => sender(bot));
    await until("150 acknowledged deliveries", () => acknowledged.size >= 150);
    killed = true;
    await stopApp(first, "SIGKILL");
    await Promise.all(senders);
    app = await startApp(env);
    const { db, wakeups } = await openEngine(env.INBOX_DATABASE, { poolSize: 1, log: () => {} });
    try {
      await until("the queue to drain after the restart", async () => (await queueLength(db)) === 0, 30_000);
      await stopApp(app);
      const log = await readLog(db);
      const runs = readRuns(env.RUNS_FILE);
      expect(violations({ acknowledged, log, runs, killed: new Set([first.pid]) })).toEqual({});
      expect(acknowledged.size).toBeGreaterThanOrEqual(150);
      // The kill landed mid-run: runs had started in the first process that it never recorded as handled.
      expect(runs.some((run) => run.pid === first.pid)).toBe(true);
    } finally {
      await stopApp(app, "SIGKILL");
      await wakeups.close();
      await db.close();
    }
  });
});
