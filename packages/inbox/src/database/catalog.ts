// What a migrated database describes, read from the engine's own catalog: tables and columns with a kind of type and
// nullability, in terms both engines share. Tests compare the two engines' schemas with it (the inbox's and an app's
// own), so a migration written for one engine and forgotten for the other fails.
import type { Queryable } from "./seam.js";

export interface CatalogColumn {
  table: string;
  column: string;
  /** integer, real, text or bytes: what SQLite's declared types and PostgreSQL's names have in common. */
  type: string;
  nullable: boolean;
}

function kindOf(type: string): string {
  const t = type.toLowerCase();
  if (/int/.test(t)) return "integer";
  if (/blob|bytea/.test(t)) return "bytes";
  if (/text|char/.test(t)) return "text";
  if (/real|double|float|numeric/.test(t)) return "real";
  return t;
}

/** Every column of every table (views left out), sorted by table then column. */
export async function catalogColumns(db: Queryable, engine: "sqlite" | "postgres"): Promise<CatalogColumn[]> {
  const columns: CatalogColumn[] = [];
  if (engine === "sqlite") {
    const tables = await db.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    for (const { name } of tables) {
      const info = await db.query<{ name: string; type: string; notnull: number; pk: number }>(
        `SELECT name, type, "notnull", pk FROM pragma_table_info('${name.replace(/'/g, "''")}')`,
      );
      for (const c of info)
        columns.push({ table: name, column: c.name, type: kindOf(c.type), nullable: !c.notnull && !c.pk });
    }
  } else {
    const rows = await db.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
    );
    for (const r of rows)
      columns.push({
        table: r.table_name,
        column: r.column_name,
        type: kindOf(r.data_type),
        nullable: r.is_nullable === "YES",
      });
  }
  return columns.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}
