// Where captured deliveries come from: JSON files (one body each), JSON Lines files (one body a line), a folder of
// either, standard input, or the sample receiver's database. Each source is one function yielding captures; a new
// engine (the receiver's PostgreSQL store) is one more function and one more line in `openCaptures`.
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "@meeting-webhooks/types";
import type { Capture } from "./analyse.js";

export type CaptureReadErrorCode =
  | "not_found"
  | "unreadable"
  | "not_json"
  | "engine_unavailable"
  | "not_a_receiver_db";

/** Why captures could not be read: a code, a message that says what to do, and where (file:line). */
export class CaptureReadError extends Error {
  override readonly name = "CaptureReadError";
  constructor(
    readonly code: CaptureReadErrorCode,
    message: string,
    readonly source?: string,
  ) {
    super(message);
  }
}

const jsonLinesPattern = /\.(jsonl|ndjson)$/i;

/** The captures in a text: one JSON document, or JSON Lines (blank lines skipped). */
export function* parseCaptures(text: string, name: string, receivedAt?: string): Generator<Capture> {
  const time = receivedAt !== undefined ? { receivedAt } : {};
  if (!jsonLinesPattern.test(name)) {
    try {
      yield { body: JSON.parse(text), source: name, ...time };
      return;
    } catch (error) {
      // A .json file must be one document; other text (standard input) may still be JSON Lines.
      if (name.toLowerCase().endsWith(".json") || !text.trimStart().startsWith("{") || !text.includes("\n"))
        throw new CaptureReadError("not_json", `${name} is not JSON: ${(error as Error).message}`, name);
    }
  }
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    if (raw.trim() === "") continue;
    try {
      yield { body: JSON.parse(raw), source: `${name}:${line}`, ...time };
    } catch (error) {
      throw new CaptureReadError(
        "not_json",
        `${name}:${line} is not JSON (${(error as Error).message}): JSON Lines need one complete JSON document per line.`,
        `${name}:${line}`,
      );
    }
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CaptureReadError(
      code === "ENOENT" ? "not_found" : "unreadable",
      code === "ENOENT"
        ? `No such file or folder: ${path}`
        : `Cannot read ${path}: ${(error as Error).message}`,
      path,
    );
  }
}

/** A file's captures; their time is the file's modification time (a capture tool writes each when it arrives). */
export function* readCaptureFile(path: string): Generator<Capture> {
  const text = readText(path);
  yield* parseCaptures(text, path, statSync(path).mtime.toISOString());
}

/** Every `.json`, `.jsonl` and `.ndjson` file of a folder (not its subfolders), in name order. */
export function* readCaptureFolder(dir: string): Generator<Capture> {
  const names = readdirSync(dir)
    .filter((name) => /\.(json|jsonl|ndjson)$/i.test(name))
    .sort();
  for (const name of names) yield* readCaptureFile(join(dir, name));
}

export interface DatabaseOptions {
  provider: Provider;
  /** Only deliveries received at or after this time. */
  since?: string | undefined;
}

const sqliteMagic = "SQLite format 3\0";

function isSqliteFile(path: string): boolean {
  const buffer = Buffer.alloc(16);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, buffer, 0, 16, 0) === 16 && buffer.toString("latin1") === sqliteMagic;
  } finally {
    closeSync(fd);
  }
}

/**
 * An inbox's SQLite database (the sample receiver's, or a team's own `@meeting-webhooks/inbox`): the stored body,
 * provider, channel and time of each delivery, read through the inbox's `inbox_captures` view.
 */
export async function* readSqliteDeliveries(path: string, options: DatabaseOptions): AsyncGenerator<Capture> {
  let Database: typeof import("better-sqlite3");
  try {
    Database = (await import("better-sqlite3")).default;
  } catch {
    throw new CaptureReadError(
      "engine_unavailable",
      "Reading a receiver database needs better-sqlite3: npm install better-sqlite3.",
      path,
    );
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const view = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'view' AND name = 'inbox_captures'")
      .get();
    if (!view)
      throw new CaptureReadError(
        "not_a_receiver_db",
        `${path} has no inbox_captures view: give an inbox's database (the sample receiver's, or your own @meeting-webhooks/inbox's).`,
        path,
      );
    const rows = db
      .prepare(
        "SELECT id, channel, received_at, body FROM inbox_captures WHERE provider = ? AND received_at >= ? ORDER BY id",
      )
      .iterate(options.provider, sinceMs(options.since)) as Iterable<{
      id: number;
      channel: string;
      received_at: number;
      body: Buffer | string;
    }>;
    for (const row of rows) {
      let body: unknown;
      try {
        body = JSON.parse(row.body.toString());
      } catch {
        continue; // The receiver stores only deliveries it parsed; anything else is not a capture.
      }
      yield {
        body,
        receivedAt: new Date(Number(row.received_at)).toISOString(),
        channel: row.channel === "callback" || row.channel === "webhook" ? row.channel : undefined,
        source: `inbox_captures#${row.id}`,
      };
    }
  } finally {
    db.close();
  }
}

/** `since` as the view's milliseconds since the epoch (0: from the first delivery). */
function sinceMs(since: string | undefined): number {
  return since === undefined ? 0 : Date.parse(since);
}

/**
 * An inbox's PostgreSQL database (`DATABASE_URL`; the schema from `?schema=` or `DATABASE_SCHEMA`, default `public`),
 * read through its `inbox_captures` view in pages by id, so that memory stays flat however many deliveries there are.
 */
export async function* readPostgresDeliveries(
  url: string,
  options: DatabaseOptions,
): AsyncGenerator<Capture> {
  let pg: typeof import("pg").default;
  try {
    pg = (await import("pg")).default;
  } catch {
    throw new CaptureReadError(
      "engine_unavailable",
      "Reading a receiver's PostgreSQL store needs pg: npm install pg.",
      url,
    );
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? process.env.DATABASE_SCHEMA ?? "public";
  parsed.searchParams.delete("schema");
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new CaptureReadError(
      "unreadable",
      `Schema ${JSON.stringify(schema)} is not a lower-case SQL identifier.`,
      url,
    );
  }
  const client = new pg.Client({ connectionString: parsed.href });
  try {
    await client.connect();
  } catch (error) {
    throw new CaptureReadError(
      "unreadable",
      `Cannot connect to ${parsed.host}: ${(error as Error).message}`,
      url,
    );
  }
  try {
    const view = await client.query("SELECT to_regclass($1) AS name", [`${schema}.inbox_captures`]);
    if (!view.rows[0]?.name) {
      throw new CaptureReadError(
        "not_a_receiver_db",
        `${parsed.host} has no ${schema}.inbox_captures view: give an inbox's database (the sample receiver's, or your own @meeting-webhooks/inbox's).`,
        url,
      );
    }
    let last = 0;
    for (;;) {
      const page = await client.query<{ id: string; channel: string; received_at: string; body: Buffer }>(
        `SELECT id, channel, received_at, body FROM ${schema}.inbox_captures
          WHERE provider = $1 AND id > $2 AND received_at >= $3
          ORDER BY id LIMIT 5000`,
        [options.provider, last, sinceMs(options.since)],
      );
      for (const row of page.rows) {
        last = Number(row.id);
        let body: unknown;
        try {
          body = JSON.parse(row.body.toString());
        } catch {
          continue;
        }
        yield {
          body,
          receivedAt: new Date(Number(row.received_at)).toISOString(),
          channel: row.channel === "callback" || row.channel === "webhook" ? row.channel : undefined,
          source: `inbox_captures#${row.id}`,
        };
      }
      if (page.rows.length < 5000) break;
    }
  } finally {
    await client.end();
  }
}

/**
 * Opens any source by its name: `-` (standard input, given as text), a `postgres://` URL, a SQLite database file, a
 * folder, or a JSON / JSON Lines file.
 */
export function openCaptures(
  location: string,
  options: DatabaseOptions & { stdin?: () => Promise<string> },
): AsyncIterable<Capture> | Iterable<Capture> {
  if (location === "-") {
    const read = options.stdin;
    if (!read) throw new CaptureReadError("unreadable", "No standard input to read.");
    return (async function* () {
      yield* parseCaptures(await read(), "-");
    })();
  }
  if (/^postgres(ql)?:\/\//i.test(location)) return readPostgresDeliveries(location, options);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(location);
  } catch {
    throw new CaptureReadError("not_found", `No such file or folder: ${location}`, location);
  }
  if (stats.isDirectory()) return readCaptureFolder(location);
  if (isSqliteFile(location)) return readSqliteDeliveries(location, options);
  return readCaptureFile(location);
}
