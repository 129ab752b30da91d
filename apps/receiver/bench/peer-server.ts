// The peer: the receiver a team would otherwise write in an afternoon. A node:http server that verifies with the
// svix library, parses, INSERTs one row per request (PostgreSQL through a pool of 10; SQLite with better-sqlite3,
// WAL, synchronous=FULL) and answers 202 after the commit. Run as its own process, as the receiver is:
//   node --import tsx bench/peer-server.ts   with PEER_PORT, PEER_SECRET (whsec_…) and
//   PEER_DATABASE_URL (postgres://…) or PEER_DATABASE_PATH (a SQLite file).
import { createServer, type IncomingMessage } from "node:http";
import Database from "better-sqlite3";
import pg from "pg";
import { Webhook } from "svix";
import { peerInsert, postgresPeerSchema, sqlitePeerSchema } from "./peer-schema.js";

type Row = [
  deliveryKey: string,
  event: string | null,
  subject: string | null,
  receivedAt: number,
  headers: string,
  body: Buffer,
];

const port = Number(process.env.PEER_PORT ?? 4111);
const webhook = new Webhook(process.env.PEER_SECRET ?? "");

async function openStore(): Promise<(row: Row) => Promise<void>> {
  const url = process.env.PEER_DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(postgresPeerSchema);
    return async (row) => {
      await pool.query(peerInsert.postgres, row);
    };
  }
  const db = new Database(process.env.PEER_DATABASE_PATH ?? "peer.db");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(sqlitePeerSchema);
  const insert = db.prepare(peerInsert.sqlite);
  return async (row) => {
    insert.run(...row);
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const header = (request: IncomingMessage, name: string) => String(request.headers[name] ?? "");

const store = await openStore();
createServer(async (request, response) => {
  const body = await readBody(request);
  if (request.url === "/healthz") {
    response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","pending":0}');
    return;
  }
  const headers = {
    "svix-id": header(request, "svix-id"),
    "svix-timestamp": header(request, "svix-timestamp"),
    "svix-signature": header(request, "svix-signature"),
  };
  let payload: { event?: unknown; data?: { bot_id?: unknown } };
  try {
    // svix checks the signature and the timestamp's tolerance, then JSON.parses the body.
    payload = webhook.verify(body.toString("utf8"), headers) as typeof payload;
  } catch {
    response.writeHead(401, { "content-type": "application/json" }).end('{"status":"rejected"}');
    return;
  }
  try {
    await store([
      headers["svix-id"],
      typeof payload.event === "string" ? payload.event : null,
      typeof payload.data?.bot_id === "string" ? payload.data.bot_id : null,
      Date.now(),
      JSON.stringify(headers),
      body,
    ]);
    response.writeHead(202, { "content-type": "application/json" }).end('{"status":"accepted"}');
  } catch {
    response
      .writeHead(503, { "content-type": "application/json", "retry-after": "5" })
      .end('{"status":"unavailable"}');
  }
}).listen(port, "127.0.0.1");
