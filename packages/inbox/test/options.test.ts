import { describe, expect, it } from "vitest";
import { databaseTarget } from "../src/database/open.js";
import { createInbox, InboxConfigError } from "../src/index.js";
import { settingsOf } from "../src/options.js";
import { testWebhooks } from "./support.js";

describe("inbox options", () => {
  it("has small defaults: 4 handlers at once, 10 attempts, 1 s to 1 h with equal jitter, 30 s leases", () => {
    const settings = settingsOf({ webhooks: testWebhooks(), database: "./inbox.db" });
    expect(settings).toMatchObject({
      concurrency: 4,
      maxAttempts: 10,
      backoff: { initialMs: 1000, maxMs: 3_600_000, jitter: "equal" },
      leaseMs: 30_000,
      pollIntervalMs: 1000,
      stopTimeoutMs: 30_000,
      retryAfterSeconds: 5,
      poolSize: 10,
      retention: { maxAgeMs: 0, intervalMs: 3_600_000 },
      observer: {},
    });
  });

  it("keeps deliveries' contents for ever unless retention says otherwise, and then looks every hour", () => {
    const settings = settingsOf({
      webhooks: testWebhooks(),
      database: "./inbox.db",
      retention: { maxAgeMs: 1000 },
    });
    expect(settings.retention).toEqual({ maxAgeMs: 1000, intervalMs: 3_600_000 });
  });

  it("refuses an option it cannot run with, naming it", () => {
    const refused = (options: object) => {
      try {
        settingsOf({ webhooks: testWebhooks(), database: "./inbox.db", ...options });
      } catch (error) {
        return { code: (error as InboxConfigError).code, pointer: (error as InboxConfigError).pointer };
      }
      return undefined;
    };
    const mistakes: [options: object, pointer: string][] = [
      [{ concurrency: 0 }, "/concurrency"],
      [{ backoff: { initialMs: 10, maxMs: 5 } }, "/backoff/maxMs"],
      [{ backoff: { jitter: "none" } }, "/backoff/jitter"],
      [{ webhooks: {} }, "/webhooks"],
      [{ retention: { maxAgeMs: -1 } }, "/retention/maxAgeMs"],
      [{ retention: { maxAgeMs: 1000, intervalMs: 0 } }, "/retention/intervalMs"],
      [{ retention: { maxAgeMs: 1000, alsoErase: "erase" } }, "/retention/alsoErase"],
      [{ observer: { handled: "yes" } }, "/observer/handled"],
    ];
    for (const [options, pointer] of mistakes)
      expect(refused(options)).toEqual({ code: "invalid_option", pointer });
    expect(refused({ database: "" })).toEqual({ code: "invalid_database", pointer: "/database" });
  });

  it("reads the database: a postgres:// URL with its schema, anything else a SQLite path", () => {
    expect(databaseTarget("postgresql://u@db:5432/app?schema=inbox&sslmode=disable")).toEqual({
      engine: "postgres",
      url: "postgresql://u@db:5432/app?sslmode=disable",
      schema: "inbox",
    });
    expect(databaseTarget("postgres://db/app")).toMatchObject({ schema: "public" });
    expect(databaseTarget("./data/inbox.db")).toEqual({ engine: "sqlite", path: "./data/inbox.db" });
  });

  it("refuses a URL of another database at start-up", async () => {
    await expect(
      createInbox({ webhooks: testWebhooks(), database: "mysql://db/app" }),
    ).rejects.toBeInstanceOf(InboxConfigError);
  });
});
