// `npm run migrate -w @meeting-webhooks/receiver`: run the PostgreSQL migrations by hand (every process also runs
// them at start-up, under node-pg-migrate's advisory lock). With SQLite there is nothing to do before start-up.
import { ConfigError, loadConfig } from "./config.js";
import { migratePostgres } from "./storage/postgres.js";

try {
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.log("[migrate] DATABASE_URL is not set: SQLite migrates itself when the receiver opens it");
  } else {
    await migratePostgres({ url: config.databaseUrl, schema: config.databaseSchema }, (m) =>
      console.log(m.replace(/^migrate: /, "[migrate] ")),
    );
    console.log(`[migrate] schema ${config.databaseSchema} is up to date`);
  }
} catch (error) {
  console.error(
    `[migrate] ${error instanceof ConfigError ? "configuration error: " : ""}${(error as Error).message}`,
  );
  process.exit(error instanceof ConfigError ? 2 : 1);
}
