// The read API only reads: GET /api/deliveries shows refusals the storage has not committed yet without committing
// them itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildReceiver, type Receiver } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { cronofyRequest, inject, secrets } from "./support.js";

let receiver: Receiver | undefined;
let dir: string | undefined;
let observer: Database.Database | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  observer?.close();
  observer = undefined;
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  receiver = undefined;
  dir = undefined;
});

async function start(): Promise<Receiver> {
  dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-read-api-"));
  receiver = await buildReceiver(
    loadConfig({
      DATABASE_PATH: join(dir, "receiver.db"),
      CRONOFY_CLIENT_SECRETS: secrets.cronofy,
      MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
      MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
    }),
    { process: false },
  );
  observer = new Database(join(dir, "receiver.db"), { readonly: true });
  return receiver;
}

/** Nothing in these tests waits the 5 s after which the recorder writes its counts: they are pending until flushed. */
const holdBackCommits = (_r: Receiver) => {};

/** SQLite's data_version, seen from another connection: any commit by the receiver changes it. */
const totalChanges = (_r: Receiver) => observer?.pragma("data_version", { simple: true }) as number;

describe("GET /api/deliveries", () => {
  it("shows a refusal the writer has not committed yet, and writes nothing", async () => {
    const r = await start();
    holdBackCommits(r);
    const refused = await inject(r, cronofyRequest({ any: "thing" }, "not-the-secret"));
    expect(refused.status).toBe(401);
    const code = refused.body.code as string;
    const before = totalChanges(r);

    const read = await r.app.inject({ method: "GET", url: "/api/deliveries" });

    expect(read.statusCode).toBe(200);
    expect(read.json().rejected).toEqual({ [code]: 1 });
    expect(totalChanges(r)).toBe(before);
  });

  it("counts a refusal once after the writer commits it", async () => {
    const r = await start();
    holdBackCommits(r);
    const refused = await inject(r, cronofyRequest({ any: "thing" }, "not-the-secret"));
    const before = totalChanges(r);
    await r.flushOperations();
    expect(totalChanges(r)).not.toBe(before);

    const read = await r.app.inject({ method: "GET", url: "/api/deliveries" });

    expect(read.json().rejected).toEqual({ [refused.body.code as string]: 1 });
  });
});
