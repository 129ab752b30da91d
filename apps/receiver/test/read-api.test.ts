// The read API only reads: GET /api/deliveries shows refusals the writer has not committed yet without committing
// them itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildReceiver, type Receiver } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { cronofyRequest, inject, secrets } from "./support.js";

let receiver: Receiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  receiver = undefined;
  dir = undefined;
});

function start(): Receiver {
  dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-read-api-"));
  receiver = buildReceiver(
    loadConfig({
      DATABASE_PATH: join(dir, "receiver.db"),
      CRONOFY_CLIENT_SECRETS: secrets.cronofy,
      MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
      MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
    }),
    { process: false },
  );
  return receiver;
}

/** Keeps refusals pending: the writer commits them on its next scheduled flush, which this holds back. */
function holdBackCommits(r: Receiver) {
  vi.spyOn(r.writer as unknown as { schedule(): void }, "schedule").mockImplementation(() => {});
}

/** Rows this connection has changed since it opened: any write by the receiver raises it. */
const totalChanges = (r: Receiver) => (r.db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;

describe("GET /api/deliveries", () => {
  it("shows a refusal the writer has not committed yet, and writes nothing", async () => {
    const r = start();
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
    const r = start();
    holdBackCommits(r);
    const refused = await inject(r, cronofyRequest({ any: "thing" }, "not-the-secret"));
    const before = totalChanges(r);
    r.writer.flush();
    expect(totalChanges(r)).toBeGreaterThan(before);

    const read = await r.app.inject({ method: "GET", url: "/api/deliveries" });

    expect(read.json().rejected).toEqual({ [refused.body.code as string]: 1 });
  });
});
