// Picks the engine: PostgreSQL when DATABASE_URL is set, otherwise SQLite at DATABASE_PATH.
import type { Config } from "../config.js";
import { SqliteStorage } from "./sqlite.js";
import type { Storage } from "./types.js";

export type * from "./types.js";
export { StorageUnavailable } from "./types.js";

export async function openStorage(
  config: Pick<Config, "databaseUrl" | "databasePath" | "databaseSchema" | "databasePoolSize">,
  log: (message: string) => void = () => {},
): Promise<Storage> {
  if (config.databaseUrl) {
    const { PostgresStorage } = await import("./postgres.js");
    return PostgresStorage.open(
      { url: config.databaseUrl, schema: config.databaseSchema, poolSize: config.databasePoolSize },
      log,
    );
  }
  return new SqliteStorage(config.databasePath);
}
