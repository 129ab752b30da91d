// Test support: a receiver on a temporary database, and deliveries signed the way the providers sign them.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import { makeTempDir, type TempDir } from "@meeting-webhooks/test-support";
import { buildReceiver, type Receiver, type ReceiverOptions } from "../src/app.js";
import { type Config, loadConfig } from "../src/config.js";
import { dropSchema, postgresForTests, schemaName } from "./postgres.js";

export type Engine = "sqlite" | "postgres";

/** The engines to run the storage-dependent suites on: SQLite always, PostgreSQL when a server answers. */
export async function testEngines(): Promise<Engine[]> {
  return (await postgresForTests()) ? ["sqlite", "postgres"] : ["sqlite"];
}

let engine: Engine = "sqlite";
/** Receivers started from now on use this engine (call in a `beforeAll` of a `describe.each(engines)`). */
export function useEngine(next: Engine): void {
  engine = next;
}

export const secrets = {
  cronofy: "test-cronofy-secret",
  callback: "test-mb-callback-secret",
  webhookKey: Buffer.from("receiver test signing key 0123"),
  get webhook() {
    return `whsec_${this.webhookKey.toString("base64")}`;
  },
};

/** The database folders of this test file; test/setup.ts removes them after the file's own afterAll hooks. */
const databaseDirs: TempDir[] = [];

export function removeTestDatabases(): void {
  for (const dir of databaseDirs.splice(0)) dir.remove();
}

/** Config overrides, and `env`: environment variables on top of the tests' (e.g. a provider's download key). */
export type TestOverrides = Partial<Config> & { env?: NodeJS.ProcessEnv };

export function testConfig({ env, ...overrides }: TestOverrides = {}): Config {
  const databaseDir = makeTempDir("meeting-webhooks-receiver-");
  databaseDirs.push(databaseDir);
  const dir = databaseDir.path;
  return {
    ...loadConfig({
      DATABASE_PATH: join(dir, "receiver.db"),
      CRONOFY_CLIENT_SECRETS: secrets.cronofy,
      MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
      MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
      DOWNLOAD_RETRY_BASE_MS: "5",
      PROCESSING_LEASE_MS: "5000",
      ...env,
    }),
    ...overrides,
  };
}

/** A receiver on the current engine; on PostgreSQL in a schema of its own that `close()` drops. */
export async function startReceiver(
  overrides: TestOverrides = {},
  options: ReceiverOptions = {},
): Promise<Receiver> {
  const url = engine === "postgres" ? await postgresForTests() : undefined;
  if (!url) return buildReceiver(testConfig(overrides), options);
  const schema = schemaName();
  let receiver: Receiver;
  try {
    receiver = await buildReceiver(
      testConfig({ databaseUrl: url, databaseSchema: schema, databasePoolSize: 4, ...overrides }),
      options,
    );
  } catch (error) {
    await dropSchema(url, schema);
    throw error;
  }
  const close = receiver.close.bind(receiver);
  receiver.close = async () => {
    try {
      await close();
    } finally {
      await dropSchema(url, schema);
    }
  };
  return receiver;
}

export function example(path: string): Record<string, any> {
  return JSON.parse(readFileSync(join(specsDir, path), "utf8"));
}

export interface SignedRequest {
  method: "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  payload: string;
}

export function cronofyRequest(payload: unknown, secret = secrets.cronofy): SignedRequest {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return {
    method: "POST",
    url: "/webhooks/cronofy",
    headers: {
      "content-type": "application/json",
      "cronofy-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64"),
    },
    payload: body,
  };
}

export function callbackRequest(
  payload: unknown,
  secret = secrets.callback,
  method: "POST" | "PUT" = "POST",
): SignedRequest {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return {
    method,
    url: "/webhooks/meetingbaas/callback",
    headers: { "content-type": "application/json", "x-mb-secret": secret },
    payload: body,
  };
}

export function webhookRequest(
  payload: unknown,
  options: { id?: string; at?: number; key?: Buffer } = {},
): SignedRequest {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
  const signature = createHmac("sha256", options.key ?? secrets.webhookKey)
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64");
  return {
    method: "POST",
    url: "/webhooks/meetingbaas",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${signature}`,
    },
    payload: body,
  };
}

/** Sends a signed request to the receiver in-process; the answer's status, content type and JSON body. */
export async function inject(r: Receiver, request: SignedRequest) {
  const response = await r.app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    payload: request.payload,
  });
  return { status: response.statusCode, type: response.headers["content-type"], body: response.json() };
}
