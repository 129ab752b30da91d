// Configuration mistakes stop the start with the environment variable to fix, before anything is opened.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { buildReceiver, meetingWebhooksOf } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { secrets } from "./support.js";

const configured = {
  CRONOFY_CLIENT_SECRETS: secrets.cronofy,
  MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
  MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
  DATABASE_PATH: ":memory:",
};

describe("webhook secrets", () => {
  it("one webhook object for both providers from the environment", () => {
    const webhooks = meetingWebhooksOf(loadConfig(configured));
    expect(webhooks.providers).toEqual(["cronofy", "meetingbaas"]);
  });

  it("a webhook secret that is not whsec_ + base64 names its variable and its place in the list", () => {
    const config = loadConfig({
      ...configured,
      MEETINGBAAS_WEBHOOK_SECRET: `${secrets.webhook},whsec_not base64!`,
    });
    expect(() => meetingWebhooksOf(config)).toThrow(ConfigError);
    expect(() => meetingWebhooksOf(config)).toThrow(
      /^MEETINGBAAS_WEBHOOK_SECRET \(entry 2 of the comma-separated list\): .*whsec_.*invalid_secret/,
    );
  });

  it("a negative tolerance names WEBHOOK_TOLERANCE_SECONDS", () => {
    const config = { ...loadConfig(configured), toleranceSeconds: -1 };
    expect(() => meetingWebhooksOf(config)).toThrow(/^WEBHOOK_TOLERANCE_SECONDS: /);
  });

  it("buildReceiver refuses before it creates the database", async () => {
    const dir = makeTempDir("meeting-webhooks-config-");
    try {
      const databasePath = join(dir.path, "receiver.db");
      const config = loadConfig({
        ...configured,
        DATABASE_PATH: databasePath,
        MEETINGBAAS_WEBHOOK_SECRET: "whsec_%%",
      });
      await expect(buildReceiver(config, { process: false })).rejects.toThrow(ConfigError);
      expect(existsSync(databasePath)).toBe(false);
    } finally {
      dir.remove();
    }
  });
});

describe("loadConfig", () => {
  it("without secrets: development mode with the shared development secrets", () => {
    const config = loadConfig({ DATABASE_PATH: ":memory:" });
    expect(config.development).toBe(true);
    expect(meetingWebhooksOf(config).providers).toEqual(["cronofy", "meetingbaas"]);
  });

  it.each([
    [{ RECEIVER_ROLE: "both" }, /RECEIVER_ROLE must be all, ingest or worker/],
    [{ RECEIVER_ROLE: "worker" }, /RECEIVER_ROLE=worker needs DATABASE_URL/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ PORT: "eighty" }, /PORT must be an integer/],
    [{ DATABASE_SCHEMA: "Bad-Name" }, /DATABASE_SCHEMA must be a lower-case SQL identifier/],
  ])("%j is refused", (env, message) => {
    expect(() => loadConfig({ ...configured, ...env })).toThrow(message);
  });
});
