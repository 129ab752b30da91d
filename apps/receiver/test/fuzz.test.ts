// The webhook endpoints under hostile input, over real HTTP: random and mutated bodies, wrong and duplicated
// signature headers, huge and odd header values, wrong content types and charsets, bodies at and over the limit,
// truncated requests. Seeded and bounded, so a run is repeatable; FUZZ_SEED and FUZZ_RUNS explore further. Invariants: never
// a 5xx, never a crash, nothing unverified stored, every 2xx delivery readable afterwards, /healthz still answers.
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../src/access/sign-in.js";
import { buildReceiver, type Receiver } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { cronofyRequest, example, inject, secrets, startReceiver } from "./support.js";

const seed = Number(process.env.FUZZ_SEED ?? 20261203);
const numRuns = Number(process.env.FUZZ_RUNS ?? 500);
const bodyLimit = 4096;

let dir: string;
let receiver: Receiver;
let port: number;
const internalErrors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-fuzz-"));
  receiver = await buildReceiver(
    loadConfig({
      DATABASE_PATH: join(dir, "receiver.db"),
      CRONOFY_CLIENT_SECRETS: secrets.cronofy,
      MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
      MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
      BODY_LIMIT: String(bodyLimit),
      DOCS_DIR: join(dir, "docs"),
    }),
    {
      // Processing runs on what is stored, but nothing leaves the machine: every download fails.
      fetch: async () => {
        throw new TypeError("fetch failed: no network in the fuzz test");
      },
      log: (message) => {
        if (/internal error/i.test(message)) internalErrors.push(message);
      },
    },
  );
  await receiver.app.listen({ port: 0, host: "127.0.0.1" });
  port = (receiver.app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- What the fuzzer sends ----------------------------------------------------------------------------------

type Route = "cronofy" | "callback" | "callback-put" | "webhook";
type Auth =
  | "valid"
  | "wrong-secret"
  | "missing"
  | "garbage"
  | "valid-then-garbage"
  | "garbage-then-valid"
  | "tampered-body"
  | "stale-timestamp";
type ContentType = { value: string | undefined; json: boolean };
type Transport =
  | { kind: "whole" }
  | { kind: "chunked" }
  | { kind: "truncated-body"; keep: number }
  | { kind: "truncated-head"; keep: number }
  | { kind: "reset-mid-body"; keep: number }
  | { kind: "short-content-length"; less: number };

interface Case {
  route: Route;
  body: Buffer;
  auth: Auth;
  contentType: ContentType;
  oddHeaders: [string, string][];
  transport: Transport;
}

const examples = [
  ...readdirSync(join(specsDir, "cronofy", "examples"))
    .filter((name) => name.startsWith("meeting_agent_"))
    .map((name) => join("cronofy", "examples", name)),
  ...readdirSync(join(specsDir, "meetingbaas", "examples"))
    .filter((name) => name.endsWith(".json"))
    .map((name) => join("meetingbaas", "examples", name)),
].map((path) => JSON.parse(readFileSync(join(specsDir, path), "utf8")) as unknown);

/** A JSON value with one part replaced by anything JSON, or removed. */
function mutate(value: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const [step, ...rest] = path as [number, ...number[]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const index = step % value.length;
    const copy = [...value];
    if (remove && rest.length === 0) copy.splice(index, 1);
    else copy[index] = mutate(copy[index], rest, replacement, remove);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { [String(step)]: replacement };
  const key = keys[step % keys.length] as string;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (remove && rest.length === 0) delete copy[key];
  else copy[key] = mutate(copy[key], rest, replacement, remove);
  return copy;
}

/** JSON padded with spaces to exactly `size` bytes (the padding keeps it valid JSON). */
function padded(value: unknown, size: number): Buffer {
  const text = JSON.stringify(value);
  const bytes = Buffer.from(text);
  return bytes.length >= size ? bytes : Buffer.concat([bytes, Buffer.alloc(size - bytes.length, " ")]);
}

/** A body that prints short in a counterexample: its size and first bytes. */
function printable(body: Buffer): Buffer {
  const preview = body.subarray(0, 80).toString("latin1");
  return Object.assign(body, {
    [fc.toStringMethod]: () =>
      `Buffer(${body.length} bytes: ${JSON.stringify(preview)}${body.length > 80 ? "…" : ""})`,
  });
}

const anyExample = fc.constantFrom(...examples);
const anyBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: anyExample.map((value) => Buffer.from(JSON.stringify(value))) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(anyExample, fc.array(fc.nat(), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean())
      .map(([value, path, replacement, remove]) =>
        Buffer.from(JSON.stringify(mutate(value, path, replacement, remove))),
      ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map((text) => Buffer.from(text)) },
  // The same JSON in another charset: signed as sent, so only the JSON step can refuse it.
  { weight: 1, arbitrary: anyExample.map((value) => Buffer.from(JSON.stringify(value), "utf16le")) },
  { weight: 1, arbitrary: anyExample.map((value) => Buffer.from(JSON.stringify(value), "latin1")) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(anyExample, fc.constantFrom(bodyLimit - 1, bodyLimit, bodyLimit + 1, bodyLimit * 4))
      .map(([value, size]) => padded(value, size)),
  },
);

const bodyArb = anyBody.map(printable);

const contentTypeArb: fc.Arbitrary<ContentType> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ value: "application/json", json: true }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      { value: "application/json; charset=utf-8", json: true },
      { value: "APPLICATION/JSON;charset=UTF-8", json: true },
      { value: "application/json; charset=utf-16le", json: true },
      { value: "application/json; charset=iso-8859-1", json: true },
      { value: "application/json;;;", json: true },
      { value: "application/json; charset=", json: true },
      { value: "application/jsonp", json: false },
      { value: "application/json-patch+json", json: false },
      { value: "text/plain", json: false },
      { value: "text/json", json: false },
      { value: "multipart/form-data; boundary=x", json: false },
      { value: "application/x-www-form-urlencoded", json: false },
      { value: "", json: false },
      { value: ";", json: false },
      { value: undefined, json: false },
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((value) => ({ value, json: false })) },
);

const headerNameArb = fc.constantFrom(
  "x-odd",
  "cronofy-hmac-sha256",
  "x-mb-secret",
  "svix-id",
  "svix-timestamp",
  "svix-signature",
  "webhook-signature",
  "content-type",
  "user-agent",
);
// Values the HTTP parser may refuse (control bytes, NUL) or that are merely strange (latin1, very long).
const oddValueArb = fc.oneof(
  fc.string({ unit: "binary-ascii", maxLength: 60 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.constantFrom(8_000, 15_000, 17_000, 70_000).map((length) => "v".repeat(length)),
  fc.constantFrom("", " ", ",", ", ,", "v1,", "v1, v1,", "0", "-1", "99999999999999999999", "\t"),
);
const oddHeadersArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<[string, string][]>([]) },
  { weight: 2, arbitrary: fc.array(fc.tuple(headerNameArb, oddValueArb), { minLength: 1, maxLength: 3 }) },
);

const transportArb: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Transport>({ kind: "whole" }) },
  { weight: 2, arbitrary: fc.constant<Transport>({ kind: "chunked" }) },
  { weight: 2, arbitrary: fc.nat().map((keep) => ({ kind: "truncated-body", keep }) as Transport) },
  { weight: 1, arbitrary: fc.nat().map((keep) => ({ kind: "truncated-head", keep }) as Transport) },
  { weight: 1, arbitrary: fc.nat().map((keep) => ({ kind: "reset-mid-body", keep }) as Transport) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 50 })
      .map((less) => ({ kind: "short-content-length", less }) as Transport),
  },
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  route: fc.constantFrom<Route>("cronofy", "callback", "callback-put", "webhook"),
  body: bodyArb,
  auth: fc.oneof(
    { weight: 8, arbitrary: fc.constant<Auth>("valid") },
    {
      weight: 6,
      arbitrary: fc.constantFrom<Auth>(
        "wrong-secret",
        "missing",
        "garbage",
        "valid-then-garbage",
        "garbage-then-valid",
        "tampered-body",
        "stale-timestamp",
      ),
    },
  ),
  contentType: contentTypeArb,
  oddHeaders: oddHeadersArb,
  transport: transportArb,
});

// ---- How it is sent ------------------------------------------------------------------------------------------

const hmac = (key: string | Buffer, content: string | Buffer) =>
  createHmac("sha256", key).update(content).digest("base64");

/** The request's head lines and whether any signature it carries is valid for the bytes the receiver will see. */
function signedHeaders(c: Case, delivered: Buffer): { headers: [string, string][]; carriesValid: boolean } {
  const signedBody = c.auth === "tampered-body" ? Buffer.concat([c.body, Buffer.from(" ")]) : c.body;
  const bodyIntact = delivered.equals(signedBody);
  const garbage = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const twice = (valid: string, bad: string) =>
    c.auth === "valid-then-garbage" ? [valid, bad] : c.auth === "garbage-then-valid" ? [bad, valid] : [valid];
  const validAuth = c.auth !== "wrong-secret" && c.auth !== "missing" && c.auth !== "garbage";
  if (c.route === "cronofy") {
    if (c.auth === "missing") return { headers: [], carriesValid: false };
    const good = hmac(c.auth === "wrong-secret" ? "not-the-secret" : secrets.cronofy, signedBody);
    const values = c.auth === "garbage" ? [garbage] : twice(good, garbage);
    return {
      headers: values.map((v) => ["Cronofy-HMAC-SHA256", v]),
      carriesValid: validAuth && bodyIntact && c.auth !== "tampered-body",
    };
  }
  if (c.route === "callback" || c.route === "callback-put") {
    // x-mb-secret is the secret itself, so it is valid whatever the body.
    if (c.auth === "missing") return { headers: [], carriesValid: false };
    const good = c.auth === "wrong-secret" ? "not-the-secret" : secrets.callback;
    const values = c.auth === "garbage" ? [garbage] : twice(good, garbage);
    return { headers: values.map((v) => ["x-mb-secret", v]), carriesValid: validAuth };
  }
  if (c.auth === "missing") return { headers: [], carriesValid: false };
  const id = `msg_${randomUUID().replaceAll("-", "")}`;
  const at = Math.floor(Date.now() / 1000) - (c.auth === "stale-timestamp" ? 3600 : 0);
  const key = c.auth === "wrong-secret" ? Buffer.from("another signing key") : secrets.webhookKey;
  const good = `v1,${hmac(key, Buffer.concat([Buffer.from(`${id}.${at}.`), signedBody]))}`;
  const values = c.auth === "garbage" ? [`v1,${garbage}`] : twice(good, `v1,${garbage}`);
  return {
    headers: [
      ["svix-id", id],
      ["svix-timestamp", String(at)],
      ...values.map((v) => ["svix-signature", v] as [string, string]),
    ],
    carriesValid: validAuth && bodyIntact && c.auth !== "tampered-body" && c.auth !== "stale-timestamp",
  };
}

interface Answer {
  status: number;
  body: string;
}

/** Writes the request bytes on a raw socket (duplicated and malformed headers stay as written) and reads the answer. */
function exchange(pieces: Buffer[], ending: "wait" | "half-close" | "reset"): Promise<Answer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    // A guard against a receiver that never answers, not a measurement: a hang fails the property.
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error("the receiver did not answer or close the connection within 10 s"));
    }, 10_000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {}); // a reset by either side ends in "close"
    socket.on("close", () => {
      clearTimeout(guard);
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
    socket.on("connect", () => {
      for (const piece of pieces) socket.write(piece);
      if (ending === "half-close") socket.end();
      if (ending === "reset") socket.resetAndDestroy();
    });
  });
}

function parseAnswer(raw: Buffer): Answer | undefined {
  const text = raw.toString("latin1");
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  if (!match) return undefined;
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split);
  let body = split === -1 ? "" : text.slice(split + 4);
  if (/\r\ntransfer-encoding: chunked/i.test(head)) {
    let decoded = "";
    let rest = body;
    for (;;) {
      const line = rest.indexOf("\r\n");
      const size = Number.parseInt(rest.slice(0, line), 16);
      if (!(size > 0)) break;
      decoded += rest.slice(line + 2, line + 2 + size);
      rest = rest.slice(line + 2 + size + 2);
    }
    body = decoded;
  }
  return { status: Number(match[1]), body: Buffer.from(body, "latin1").toString("utf8") };
}

const paths: Record<Route, { method: string; path: string }> = {
  cronofy: { method: "POST", path: "/webhooks/cronofy" },
  callback: { method: "POST", path: "/webhooks/meetingbaas/callback" },
  "callback-put": { method: "PUT", path: "/webhooks/meetingbaas/callback" },
  webhook: { method: "POST", path: "/webhooks/meetingbaas" },
};

interface Sent {
  answer: Answer | undefined;
  carriesValid: boolean;
  /** The body bytes the receiver reads for this request. */
  delivered: Buffer;
  /** A well-formed, fully sent request: the receiver must answer it. */
  clean: boolean;
}

async function send(c: Case): Promise<Sent> {
  const { method, path } = paths[c.route];
  const t = c.transport;
  const delivered =
    t.kind === "short-content-length" ? c.body.subarray(0, Math.max(0, c.body.length - t.less)) : c.body;
  const { headers, carriesValid } = signedHeaders(c, delivered);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"];
  if (c.contentType.value !== undefined) lines.push(`Content-Type: ${c.contentType.value}`);
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  for (const [name, value] of c.oddHeaders) lines.push(`${name}: ${value}`);
  if (t.kind === "chunked") lines.push("Transfer-Encoding: chunked");
  else lines.push(`Content-Length: ${t.kind === "short-content-length" ? delivered.length : c.body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  const clean = c.oddHeaders.length === 0 && (t.kind === "whole" || t.kind === "chunked");
  const sent = (answer: Answer | undefined) => ({ answer, carriesValid, delivered, clean });
  switch (t.kind) {
    case "whole":
    case "short-content-length":
      return sent(await exchange([head, c.body], "wait"));
    case "chunked": {
      const half = Math.floor(c.body.length / 2);
      const chunk = (part: Buffer) =>
        part.length === 0 ? [] : [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")];
      const pieces = [
        head,
        ...chunk(c.body.subarray(0, half)),
        ...chunk(c.body.subarray(half)),
        Buffer.from("0\r\n\r\n"),
      ];
      return sent(await exchange(pieces, "wait"));
    }
    case "truncated-body":
      // Fewer bytes than Content-Length, then the client stops sending.
      return {
        ...sent(await exchange([head, c.body.subarray(0, t.keep % (c.body.length || 1))], "half-close")),
        carriesValid: false,
      };
    case "truncated-head":
      return {
        ...sent(await exchange([head.subarray(0, t.keep % head.length)], "half-close")),
        carriesValid: false,
      };
    case "reset-mid-body":
      return {
        ...sent(await exchange([head, c.body.subarray(0, t.keep % (c.body.length || 1))], "reset")),
        carriesValid: false,
      };
  }
}

async function getJson(path: string): Promise<{ status: number; json: any }> {
  const answer = await exchange(
    [Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)],
    "wait",
  );
  if (!answer) throw new Error(`no answer to GET ${path}`);
  return { status: answer.status, json: JSON.parse(answer.body) };
}

// ---- The property ---------------------------------------------------------------------------------------------

describe("the receiver under hostile HTTP input", () => {
  it("never answers 5xx, stores only verified deliveries, lists every one it accepted and stays up", async () => {
    const accepted = new Map<string, string>();
    const verifiedBodies = new Set<string>();

    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { answer, carriesValid, delivered, clean } = await send(c);
        if (carriesValid) verifiedBodies.add(delivered.toString("base64"));
        expect(internalErrors).toEqual([]);
        if (clean) expect(answer, "a whole, well-formed request gets an answer").toBeDefined();
        if (!answer) return;
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 200 && answer.status < 300) {
          expect(carriesValid, "only a request with a valid signature is accepted").toBe(true);
          const reply = JSON.parse(answer.body) as { deliveryId: string; deliveryKey: string };
          expect(reply.deliveryId).toMatch(/^[1-9][0-9]*$/);
          accepted.set(reply.deliveryId, reply.deliveryKey);
        }
        if (clean && carriesValid && c.auth === "valid" && c.contentType.json && c.body.length <= bodyLimit) {
          // Verified and within the limit: stored (202), or refused only because the bytes are not JSON (400).
          expect([202, 400]).toContain(answer.status);
        }
        // Over the limit: refused before it is read, unless its media type is refused first (415).
        if (clean && c.contentType.json && c.body.length > bodyLimit) expect(answer.status).toBe(413);
      }),
      { seed, numRuns, endOnFailure: true },
    );

    // Nothing unverified stored: every stored body is one that a request carrying a valid signature delivered.
    // (Not every stored row was answered 2xx: with trailing bytes after the declared Content-Length, Node answers
    // 400 to the garbage and closes the connection while the delivery before it is being stored.)
    const db = new Database(join(dir, "receiver.db"), { readonly: true });
    const stored = db.prepare("SELECT id, delivery_key AS key, body FROM inbox_deliveries").all() as {
      id: number;
      key: string;
      body: Buffer;
    }[];
    db.close();
    const unverified = stored.filter((row) => !verifiedBodies.has(row.body.toString("base64")));
    expect(unverified.map((row) => row.key)).toEqual([]);

    // Every 2xx delivery is readable through the read API, under the key it was acknowledged with.
    const listed = new Map<string, string>();
    let before: string | undefined;
    for (;;) {
      const page = await getJson(`/api/deliveries?limit=500${before ? `&before=${before}` : ""}`);
      expect(page.status).toBe(200);
      const rows = page.json.deliveries as { id: string; deliveryKey: string }[];
      for (const row of rows) listed.set(row.id, row.deliveryKey);
      if (rows.length < 500) break;
      before = rows[rows.length - 1]?.id;
    }
    expect(accepted.size).toBeGreaterThan(0);
    expect(listed.size).toBe(stored.length);
    for (const [id, key] of accepted) expect(listed.get(id), `delivery ${id}`).toBe(key);

    const health = await getJson("/healthz");
    expect(health.status).toBe(200);
    expect(health.json.status).toBe("ok");
    expect(internalErrors).toEqual([]);
  });
});

// ---- The read side and the login form, with and without READ_API_TOKENS ---------------------------------------

const readToken = `fuzz-read-token-${"f".repeat(32)}`;
const readPaths = [
  "/",
  "/operations",
  "/meetings/1",
  "/meetings/%00",
  "/api/meetings",
  "/api/meetings/1",
  "/api/meetings/0",
  "/api/meetings/..%2F..%2Fhealthz",
  "/api/deliveries?limit=500",
  "/api/deliveries?before=-1",
  "/api/drift?since=not-a-date",
  "/api/drift",
  "/login",
  "/login?next=//evil.example.invalid",
  "/logout",
  "/docs/../api/meetings",
  "/webhooks/../api/meetings",
  "/healthz/../api/meetings",
  "/API/MEETINGS",
  "/api/meetings/",
];

const readCaseArb = fc.record({
  method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE"),
  path: fc.oneof(
    fc.constantFrom(...readPaths),
    fc.webPath().map((path) => (path.startsWith("/") ? path : `/${path}`)),
  ),
  authorization: fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${readToken}`),
    fc.string({ maxLength: 80 }).map((token) => `Bearer ${token}`),
    fc.constantFrom("Basic Zm9vOmJhcg==", "Bearer", "bearer  ", `Bearer ${readToken}x`, `Token ${readToken}`),
    fc.string({ unit: "binary-ascii", maxLength: 300 }),
  ),
  cookie: fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 200 }),
    fc.string({ maxLength: 60 }).map((value) => `${sessionCookie}=${value}`),
    fc
      .string({ maxLength: 60 })
      .map((value) => `${sessionCookie}=AAAAAAAAAAAAAAAAAAAAAA.99999999999999.${value}; _csrf=${value}`),
  ),
  accept: fc.constantFrom(undefined, "text/html", "application/json", "*/*"),
  contentType: fc.constantFrom(
    undefined,
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data; boundary=x",
    "text/plain",
  ),
  body: fc.oneof(
    fc.constant(""),
    fc.string({ maxLength: 400 }),
    fc
      .record({ token: fc.string(), _csrf: fc.string(), next: fc.string() }, { requiredKeys: [] })
      .map((fields) => new URLSearchParams(fields as Record<string, string>).toString()),
  ),
  remoteAddress: fc.ipV4(),
});

describe.each([
  ["with READ_API_TOKENS", { READ_API_TOKENS: readToken, AUTH_FAILURE_LIMIT: "5" }],
  ["without READ_API_TOKENS (loopback)", {}],
] as const)("the read side and the login form under hostile input, %s", (_name, env) => {
  let reader: Receiver;
  const protectedOn = "READ_API_TOKENS" in env;
  beforeAll(async () => {
    reader = await startReceiver({ env: { ...env, DOCS_DIR: join(dir, "no-docs") } }, { process: false });
    const stored = await inject(
      reader,
      cronofyRequest(example("cronofy/examples/meeting_agent_complete.json")),
    );
    expect(stored.status).toBe(202);
  });
  afterAll(() => reader?.close());

  it("never answers 5xx, and without the token shows no stored data", async () => {
    await fc.assert(
      fc.asyncProperty(readCaseArb, async (c) => {
        const headers: Record<string, string> = {};
        if (c.authorization !== undefined) headers.authorization = c.authorization;
        if (c.cookie !== undefined) headers.cookie = c.cookie;
        if (c.accept !== undefined) headers.accept = c.accept;
        if (c.contentType !== undefined) headers["content-type"] = c.contentType;
        let response: Awaited<ReturnType<Receiver["app"]["inject"]>>;
        try {
          response = await reader.app.inject({
            method: c.method,
            url: c.path,
            headers,
            remoteAddress: c.remoteAddress,
            ...(c.method === "GET" || c.method === "HEAD" ? {} : { payload: c.body }),
          });
        } catch (error) {
          // light-my-request refuses some header values itself (they never reach the receiver).
          if (error instanceof TypeError && /header|character/i.test(error.message)) return;
          throw error;
        }
        expect(response.statusCode, `${c.method} ${c.path}`).toBeLessThan(500);
        if (protectedOn && c.authorization !== `Bearer ${readToken}`) {
          // No valid credential can be in this case (sessions are only random or forged): no stored data.
          expect(response.body).not.toContain("Product sync");
          expect(response.body).not.toContain('"deliveries"');
          expect(response.body).not.toContain('"meetings"');
          if (/^\/(api|operations|meetings)/.test(c.path) && response.statusCode < 300)
            expect.fail(`${c.method} ${c.path} answered ${response.statusCode} without a token`);
        }
      }),
      { seed, numRuns: Math.min(numRuns, 400), endOnFailure: true },
    );
    expect(internalErrors).toEqual([]);
  });
});
