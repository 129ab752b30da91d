// Both engines migrate from numbered files side by side, and the files describe one schema: after migrating, each
// engine's own catalog lists the same tables with the same columns (name, kind of type, nullability).
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { migrate, migrationsDir, statementsOf } from "../src/database/migrate.js";
import type { Database } from "../src/database/seam.js";
import { databaseForTest, postgresForTests, seamForTest } from "./support.js";

const postgres = await postgresForTests();

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

/** The kinds of type both engines share: SQLite's declared types and PostgreSQL's names for them. */
function kindOf(type: string): string {
  const t = type.toLowerCase();
  if (/int/.test(t)) return "integer";
  if (/blob|bytea/.test(t)) return "bytes";
  if (/text|char/.test(t)) return "text";
  return t;
}

async function sqliteColumns(db: Database): Promise<Column[]> {
  const tables = await db.query<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const columns: Column[] = [];
  for (const { name } of tables) {
    const info = await db.query<{ name: string; type: string; notnull: number; pk: number }>(
      `SELECT name, type, "notnull", pk FROM pragma_table_info('${name}')`,
    );
    for (const c of info)
      columns.push({ table: name, column: c.name, type: kindOf(c.type), nullable: !c.notnull && !c.pk });
  }
  return columns;
}

async function postgresColumns(db: Database): Promise<Column[]> {
  const rows = await db.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  return rows.map((r) => ({
    table: r.table_name,
    column: r.column_name,
    type: kindOf(r.data_type),
    nullable: r.is_nullable === "YES",
  }));
}

const sorted = (columns: Column[]) =>
  [...columns].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));

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
    const sqlite = await sqliteColumns(await seamForTest("sqlite"));
    const pg = await postgresColumns(await seamForTest("postgres"));
    expect(sqlite.map((c) => c.table)).toContain("inbox_deliveries");
    expect(sorted(pg)).toEqual(sorted(sqlite));
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
