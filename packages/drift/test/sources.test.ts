// Where captures come from: files, JSON Lines, folders, standard input and an inbox's SQLite and PostgreSQL databases.
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInbox } from "@meeting-webhooks/inbox";
import { buildDelivery, cronofy, meetingbaas } from "@meeting-webhooks/mocks";
import { createMeetingWebhooks } from "@meeting-webhooks/receive";
import { postgresOrSkip } from "@meeting-webhooks/test-support";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Capture, type CaptureReadError, openCaptures, parseCaptures } from "../src/index.js";
import { scratchDir } from "./support.js";

async function all(source: Iterable<Capture> | AsyncIterable<Capture>): Promise<Capture[]> {
  const out: Capture[] = [];
  for await (const capture of source) out.push(capture);
  return out;
}

describe("files and folders", () => {
  it("reads a folder's JSON files and JSON Lines files, each capture timed by its file", async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "a.json"), '{"event":"bot.failed"}');
    writeFileSync(join(dir, "b.jsonl"), '{"n":1}\n\n{"n":2}\n');
    writeFileSync(join(dir, "notes.txt"), "not a capture");
    utimesSync(join(dir, "a.json"), new Date("2026-11-02T09:00:00Z"), new Date("2026-11-02T09:00:00Z"));
    const captures = await all(openCaptures(dir, { provider: "meetingbaas" }));
    expect(captures.map((c) => c.body)).toEqual([{ event: "bot.failed" }, { n: 1 }, { n: 2 }]);
    expect(captures[0]?.receivedAt).toBe("2026-11-02T09:00:00.000Z");
    expect(captures[2]?.source).toBe(`${join(dir, "b.jsonl")}:3`);
  });

  it("says which line of a JSON Lines file is not JSON", () => {
    expect(() => [...parseCaptures('{"n":1}\n{"n":\n', "c.jsonl")]).toThrow(/c\.jsonl:2 is not JSON/);
  });

  it("takes standard input as one JSON document or as JSON Lines", async () => {
    const stdin = async () => '{"n":1}\n{"n":2}\n';
    expect((await all(openCaptures("-", { provider: "cronofy", stdin }))).map((c) => c.body)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
  });

  it("refuses a missing path with a code and what to do", () => {
    const attempt = (location: string) => {
      try {
        openCaptures(location, { provider: "cronofy" });
        return undefined;
      } catch (error) {
        return error as CaptureReadError;
      }
    };
    expect(attempt("/nonexistent/captures")?.code).toBe("not_found");
  });
});

// The databases below are real inboxes: `createInbox` creates its tables and view, signed deliveries from
// @meeting-webhooks/mocks go in through `receive`, and only the arrival times are then set, so `since` has something
// to cut.
const secrets = {
  cronofy: "drift-test-cronofy-secret",
  callback: "drift-test-callback-secret",
  webhook: `whsec_${Buffer.from("drift tests' signing key, 32 b!!").toString("base64")}`,
};
const webhooks = createMeetingWebhooks({
  cronofy: { clientSecrets: secrets.cronofy },
  meetingbaas: { callbackSecrets: secrets.callback, webhookSecret: secrets.webhook },
});

/** Three deliveries: a Meeting BaaS webhook (1 Nov), a Cronofy callback (2 Nov), a Meeting BaaS callback (3 Nov). */
const arrivals = [
  {
    payload: meetingbaas.botStatusChange({}, { seed: 1 }),
    options: { provider: "meetingbaas", channel: "webhook", secret: secrets.webhook },
    at: "2026-11-01T08:00:00.000Z",
  },
  {
    payload: cronofy.meetingAgentFailed({}, { seed: 2 }),
    options: { provider: "cronofy", channel: "callback", secret: secrets.cronofy },
    at: "2026-11-02T08:00:00.000Z",
  },
  {
    payload: meetingbaas.botFailed({}, { seed: 3 }),
    options: { provider: "meetingbaas", channel: "callback", secret: secrets.callback },
    at: "2026-11-03T08:00:00.000Z",
  },
] as const;

/** Fill an inbox at `database` with the arrivals; `setTime(id, ms)` moves a stored delivery's arrival. */
async function fillInbox(database: string, setTime: (id: string, ms: number) => Promise<void>) {
  const inbox = await createInbox({ webhooks, database });
  try {
    for (const { payload, options, at } of arrivals) {
      const delivery = await buildDelivery(payload, { ...options, url: "http://127.0.0.1/hook" });
      const result = await inbox.receive({
        provider: options.provider,
        channel: options.channel,
        body: delivery.body,
        headers: delivery.headers,
      });
      if (!result.ok) throw new Error(`the inbox refused a signed delivery: ${result.error.message}`);
      await setTime(String(result.event.deliveryId), Date.parse(at));
    }
  } finally {
    await inbox.stop();
  }
}

const postgres = await postgresOrSkip({
  tests: "an inbox's PostgreSQL database as a drift source (packages/drift/test/sources.test.ts)",
  async check(url) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
    } finally {
      await client.end().catch(() => {});
    }
  },
});

describe.runIf(postgres)("an inbox's PostgreSQL database", () => {
  const schema = `drift_${process.pid}_${Date.now()}`;
  const url = postgres as string;
  const location = `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await fillInbox(location, async (id, ms) => {
        await client.query(`UPDATE ${schema}.inbox_deliveries SET received_at = $2 WHERE id = $1`, [id, ms]);
      });
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("reads the provider's stored bodies with their channel and time, since a given time", async () => {
    const captures = await all(
      openCaptures(location, { provider: "meetingbaas", since: "2026-11-02T00:00:00.000Z" }),
    );
    expect(captures).toEqual([
      {
        body: arrivals[2].payload,
        receivedAt: arrivals[2].at,
        channel: "callback",
        source: "inbox_captures#3",
      },
    ]);
  });

  it("says when the database is not an inbox's", async () => {
    const elsewhere = `${url}${url.includes("?") ? "&" : "?"}schema=no_such_schema`;
    await expect(all(openCaptures(elsewhere, { provider: "cronofy" }))).rejects.toMatchObject({
      code: "not_a_receiver_db",
    });
  });
});

it("a postgres:// URL that does not answer is unreadable, with the host", async () => {
  await expect(
    all(openCaptures("postgres://nobody@127.0.0.1:1/nothing", { provider: "cronofy" })),
  ).rejects.toMatchObject({ code: "unreadable", message: expect.stringMatching(/127\.0\.0\.1:1/) });
});

describe("an inbox's SQLite database", () => {
  it("reads the provider's stored bodies with their channel and time, since a given time", async () => {
    const path = join(scratchDir(), "inbox.db");
    await fillInbox(path, async (id, ms) => {
      const db = new Database(path);
      db.prepare("UPDATE inbox_deliveries SET received_at = ? WHERE id = ?").run(ms, Number(id));
      db.close();
    });
    expect(await all(openCaptures(path, { provider: "meetingbaas", since: "2026-11-02T00:00:00Z" }))).toEqual(
      [
        {
          body: arrivals[2].payload,
          channel: "callback",
          receivedAt: arrivals[2].at,
          source: "inbox_captures#3",
        },
      ],
    );
    expect(await all(openCaptures(path, { provider: "cronofy" }))).toEqual([
      {
        body: arrivals[1].payload,
        channel: "callback",
        receivedAt: arrivals[1].at,
        source: "inbox_captures#2",
      },
    ]);
  });

  it("leaves out deliveries the inbox has forgotten (retention, erasure): their bodies are gone", async () => {
    const path = join(scratchDir(), "inbox.db");
    await fillInbox(path, async () => {});
    const inbox = await createInbox({ webhooks, database: path });
    try {
      await inbox.start();
      await inbox.drain();
      expect(await inbox.forget({ ids: ["3"] })).toBe(1);
    } finally {
      await inbox.stop();
    }
    const sources = (await all(openCaptures(path, { provider: "meetingbaas" }))).map((c) => c.source);
    expect(sources).toEqual(["inbox_captures#1"]);
  });

  it("refuses a SQLite file that is not an inbox's database", async () => {
    const path = join(scratchDir(), "other.db");
    new Database(path).exec("CREATE TABLE t (x)");
    await expect(all(openCaptures(path, { provider: "cronofy" }))).rejects.toMatchObject({
      code: "not_a_receiver_db",
    });
  });
});
