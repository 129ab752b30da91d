// Configuration mistakes stop the start with the environment variable to fix, before anything is opened.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { devSecrets } from "@meeting-webhooks/mocks";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { buildReceiver, meetingWebhooksOf } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { providerModules } from "../src/providers/index.js";
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

  it("an empty Cronofy secret names CRONOFY_CLIENT_SECRETS", () => {
    const config = loadConfig(configured);
    const broken = { ...config, variables: { ...config.variables, CRONOFY_CLIENT_SECRETS: [""] } };
    expect(() => meetingWebhooksOf(broken)).toThrow(
      /^CRONOFY_CLIENT_SECRETS \(entry 1 of the comma-separated list\): /,
    );
  });

  it("no Meeting BaaS secret at all names both of its variables", () => {
    const config = loadConfig(configured);
    const none = {
      ...config,
      variables: { ...config.variables, MEETINGBAAS_CALLBACK_SECRETS: [], MEETINGBAAS_WEBHOOK_SECRET: [] },
    };
    expect(() => meetingWebhooksOf(none)).toThrow(
      /^MEETINGBAAS_CALLBACK_SECRETS or MEETINGBAAS_WEBHOOK_SECRET: /,
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
    expect(config.variables).toMatchObject({
      CRONOFY_CLIENT_SECRETS: [devSecrets.cronofy],
      MEETINGBAAS_CALLBACK_SECRETS: [devSecrets.meetingBaasCallback],
      MEETINGBAAS_WEBHOOK_SECRET: [devSecrets.meetingBaasWebhook],
      CRONOFY_API_KEY: [],
    });
    expect(meetingWebhooksOf(config).providers).toEqual(["cronofy", "meetingbaas"]);
  });

  it("one unset secret is development mode too; the configured ones are kept and lists split on commas", () => {
    const config = loadConfig({
      ...configured,
      CRONOFY_CLIENT_SECRETS: "new, old",
      MEETINGBAAS_WEBHOOK_SECRET: "",
    });
    expect(config.development).toBe(true);
    expect(config.variables.CRONOFY_CLIENT_SECRETS).toEqual(["new", "old"]);
    expect(config.variables.MEETINGBAAS_WEBHOOK_SECRET).toEqual([devSecrets.meetingBaasWebhook]);
  });

  it("every variable a provider module declares is read, and only those", () => {
    const declared = Object.values(providerModules).flatMap((module) => module.variables.map((v) => v.name));
    expect(Object.keys(loadConfig(configured).variables).sort()).toEqual([...declared].sort());
    expect(loadConfig({ ...configured, CRONOFY_API_KEY: "key" }).development).toBe(false);
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
