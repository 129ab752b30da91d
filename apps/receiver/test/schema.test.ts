// The receiver's own tables migrate from numbered files side by side for both engines, and the files describe one
// schema: after migrating, each engine's catalog lists the same tables with the same columns.
import { readdirSync } from "node:fs";
import { catalogColumns } from "@meeting-webhooks/inbox/database";
import { afterEach, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { readModelMigrations } from "../src/read-model/open.js";
import { startReceiver, testEngines, useEngine } from "./support.js";

const engines = await testEngines();

describe("the receiver's migrations", () => {
  let receivers: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    receivers = [];
  });

  it("are numbered files with the same names for both engines", () => {
    const sqlite = readdirSync(readModelMigrations("sqlite"));
    expect(sqlite.length).toBeGreaterThan(0);
    for (const file of sqlite) expect(file).toMatch(/^\d{3}_[a-z0-9_]+\.sql$/);
    expect(readdirSync(readModelMigrations("postgres"))).toEqual(sqlite);
  });

  it.runIf(engines.includes("postgres"))(
    "describe the same tables and columns on SQLite and PostgreSQL, beside the inbox's",
    async () => {
      const catalogs = [];
      for (const engine of ["sqlite", "postgres"] as const) {
        useEngine(engine);
        const receiver = await startReceiver({}, { process: false });
        receivers.push(receiver);
        catalogs.push(await catalogColumns(receiver.inbox.database, engine));
      }
      useEngine("sqlite");
      const [sqlite, postgres] = catalogs;
      expect(sqlite?.map((c) => c.table)).toEqual(
        expect.arrayContaining(["receiver_meetings", "inbox_deliveries"]),
      );
      expect(postgres).toEqual(sqlite);
    },
  );
});
