// `npm run migrate -w @meeting-webhooks/receiver`: migrate the database by hand (every process also migrates it at
// start-up, under the inbox's lock): the inbox's tables, then the receiver's own.
import { createInbox } from "@meeting-webhooks/inbox";
import { databaseOf, meetingWebhooksOf } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { migrateReadModel } from "./read-model/open.js";

try {
  const config = loadConfig();
  // Opening the inbox migrates its tables; it is stopped before it ever claims anything.
  const inbox = await createInbox({ webhooks: meetingWebhooksOf(config), database: databaseOf(config) });
  try {
    const ran = await migrateReadModel(inbox.database);
    console.log(
      `[migrate] ${config.databaseUrl ? `schema ${config.databaseSchema}` : config.databasePath} is up to date${ran.length ? ` (ran ${ran.join(", ")})` : ""}`,
    );
  } finally {
    await inbox.stop();
  }
} catch (error) {
  console.error(
    `[migrate] ${error instanceof ConfigError ? "configuration error: " : ""}${(error as Error).message}`,
  );
  process.exit(error instanceof ConfigError ? 2 : 1);
}
