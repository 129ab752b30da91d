// Where captures come from: files, JSON Lines, folders, standard input and the receiver's SQLite and PostgreSQL stores.
import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireOrSkip } from "@meeting-webhooks/test-support";
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

/** A PostgreSQL server that answers (TEST_DATABASE_URL), else one skip line; under CI a missing one fails. */
async function postgresUrl(): Promise<string | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  let found: string | undefined;
  if (url) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    found = await client.connect().then(
      () => url,
      () => undefined,
    );
    await client.end().catch(() => {});
  }
  return requireOrSkip({
    tests: "the receiver's PostgreSQL store as a drift source (packages/drift/test/sources.test.ts)",
    needs: "PostgreSQL answering at TEST_DATABASE_URL",
    found,
    howToEnable: "Start PostgreSQL and set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test",
  });
}
const postgres = await postgresUrl();

describe.runIf(postgres)("the receiver's PostgreSQL store", () => {
  const schema = `drift_${process.pid}_${Date.now()}`;
  const url = postgres as string;
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE ${schema}.deliveries (id serial PRIMARY KEY, provider text NOT NULL,
      channel text NOT NULL, received_at timestamptz NOT NULL, body bytea NOT NULL)`);
    await client.query(
      `INSERT INTO ${schema}.deliveries (provider, channel, received_at, body) VALUES
        ('meetingbaas', 'webhook', '2026-11-01T08:00:00Z', convert_to('{"n":1}', 'UTF8')),
        ('cronofy', 'callback', '2026-11-02T08:00:00Z', convert_to('{"n":2}', 'UTF8')),
        ('meetingbaas', 'callback', '2026-11-03T08:00:00Z', convert_to('{"n":3}', 'UTF8'))`,
    );
    await client.end();
  });
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it("reads the provider's stored bodies with their channel and time, since a given time", async () => {
    const location = `${url}${url.includes("?") ? "&" : "?"}schema=${schema}`;
    const captures = await all(
      openCaptures(location, { provider: "meetingbaas", since: "2026-11-02T00:00:00.000Z" }),
    );
    expect(captures).toEqual([
      { body: { n: 3 }, receivedAt: "2026-11-03T08:00:00.000Z", channel: "callback", source: "deliveries#3" },
    ]);
  });

  it("says when the database has no deliveries table", async () => {
    const location = `${url}${url.includes("?") ? "&" : "?"}schema=no_such_schema`;
    await expect(all(openCaptures(location, { provider: "cronofy" }))).rejects.toMatchObject({
      code: "not_a_receiver_db",
    });
  });
});

it("a postgres:// URL that does not answer is unreadable, with the host", async () => {
  await expect(
    all(openCaptures("postgres://nobody@127.0.0.1:1/nothing", { provider: "cronofy" })),
  ).rejects.toMatchObject({ code: "unreadable", message: expect.stringMatching(/127\.0\.0\.1:1/) });
});

describe("the receiver's SQLite database", () => {
  it("reads the provider's stored bodies with their channel and time, since a given time", async () => {
    const path = join(scratchDir(), "receiver.db");
    const db = new Database(path);
    db.exec(
      "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, provider TEXT, channel TEXT, received_at TEXT, body BLOB)",
    );
    const insert = db.prepare(
      "INSERT INTO deliveries (provider, channel, received_at, body) VALUES (?, ?, ?, ?)",
    );
    insert.run("meetingbaas", "callback", "2026-11-01T00:00:00.000Z", Buffer.from('{"n":1}'));
    insert.run("meetingbaas", "webhook", "2026-11-03T00:00:00.000Z", Buffer.from('{"n":2}'));
    insert.run("cronofy", "callback", "2026-11-03T00:00:00.000Z", Buffer.from('{"n":3}'));
    db.close();
    const captures = await all(
      openCaptures(path, { provider: "meetingbaas", since: "2026-11-02T00:00:00Z" }),
    );
    expect(captures).toEqual([
      { body: { n: 2 }, channel: "webhook", receivedAt: "2026-11-03T00:00:00.000Z", source: "deliveries#2" },
    ]);
  });

  it("refuses a SQLite file that is not the receiver's database", async () => {
    const path = join(scratchDir(), "other.db");
    new Database(path).exec("CREATE TABLE t (x)");
    await expect(all(openCaptures(path, { provider: "cronofy" }))).rejects.toMatchObject({
      code: "not_a_receiver_db",
    });
  });
});
