// Both engines migrate from numbered files side by side, and the files describe one schema: after migrating, each
// engine's own catalog lists the same tables with the same columns (name, kind of type, nullability).
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { catalogColumns } from "../src/database/catalog.js";
import { migrate, migrationsDir, statementsOf } from "../src/database/migrate.js";
import type { Database } from "../src/database/seam.js";
import { databaseForTest, postgresForTests, seamForTest } from "./support.js";

const postgres = await postgresForTests();

describe("migrations", () => {
  it("are numbered files with the same names for both engines", () => {
    const sqlite = readdirSync(migrationsDir("sqlite"));
    expect(sqlite.length).toBeGreaterThan(0);
    for (const file of sqlite) expect(file).toMatch(/^\d{3}_[a-z0-9_]+\.sql$/);
    expect(readdirSync(migrationsDir("postgres"))).toEqual(sqlite);
  });

  it("split into statements at each `;` that ends a line, without their comments", () => {
    expect(statementsOf("-- a; comment\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX b ON a (x);\n")).toEqual([
      "CREATE TABLE a (x TEXT)",
      "CREATE INDEX b ON a (x)",
    ]);
  });

  it("run an app's own numbered files beside the inbox's, recorded in their own table", async () => {
    const folder = tempDirForTest("inbox-app-migrations-");
    writeFileSync(join(folder, "001_notes.sql"), "-- an app table\nCREATE TABLE app_notes (id INTEGER);\n");
    writeFileSync(join(folder, "002_more.sql"), "ALTER TABLE app_notes ADD COLUMN body TEXT;\n");
    const db = await seamForTest("sqlite");
    expect(await migrate(db, { folder, table: "app_migrations" })).toEqual(["001_notes", "002_more"]);
    expect(await migrate(db, { folder, table: "app_migrations" })).toEqual([]);
    await db.query("INSERT INTO app_notes (id, body) VALUES ($1, $2)", [1, "kept"]);
    expect(await db.query("SELECT name FROM app_migrations ORDER BY name")).toEqual([
      { name: "001_notes" },
      { name: "002_more" },
    ]);
    await expect(migrate(db, { folder, table: "app; DROP" })).rejects.toThrow(/not a table name/);
  });

  it("run once: migrating a migrated database runs nothing", async () => {
    const db = await seamForTest("sqlite");
    expect(await migrate(db)).toEqual([]);
  });

  it.runIf(postgres)("describe the same tables and columns on SQLite and PostgreSQL", async () => {
    const sqlite = await catalogColumns(await seamForTest("sqlite"), "sqlite");
    const pg = await catalogColumns(await seamForTest("postgres"), "postgres");
    expect(sqlite.map((c) => c.table)).toContain("inbox_deliveries");
    expect(pg).toEqual(sqlite);
  });

  it.runIf(postgres)(
    "on PostgreSQL, processes starting together on an empty schema migrate it once",
    async () => {
      const database = await databaseForTest("postgres");
      const dbs = await Promise.all([1, 2, 3].map(() => seamForTest("postgres", database)));
      const [row] = await (dbs[0] as Database).query<{ n: number }>(
        "SELECT count(*) AS n FROM inbox_migrations",
      );
      expect(Number(row?.n)).toBe(readdirSync(migrationsDir("postgres")).length);
    },
  );
});
