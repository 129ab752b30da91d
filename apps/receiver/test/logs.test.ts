// Logs never hold a body, a header value that authenticates (x-mb-secret, signatures, tokens, cookies) or a
// transcript line. The receiver runs through deliveries of both providers signed with the development secrets, a
// sign-in and an erasure, with request logging on and EVERYTHING it logs (Fastify's logger and its own lines)
// captured; then the capture is searched for each of those values.
import { devSecrets } from "@meeting-webhooks/mocks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import type { FetchLike } from "../src/providers/index.js";
import {
  callbackRequest,
  cronofyRequest,
  example,
  inject,
  type SignedRequest,
  startReceiver,
  webhookRequest,
} from "./support.js";

const cronofyTranscript = example("cronofy/examples/transcript.json");
const meetingBaasTranscript = example("meetingbaas/examples/artifacts/transcription.json");
/** A read token (READ_API_TOKENS), and the cookies the sign-in hands out for it: none may reach a log. */
const token = "tok_logs-test-3f9c2b7d8e1a4c6b-read-token";
let cookie = "";
/** Words in a body no parser can read. */
const unreadable = "Leena said the invoice export is broken";

const downloads: FetchLike = async (input) => {
  if (input.startsWith("https://cronofy-resources.example.invalid/"))
    return Response.json(
      { resource: { download_url: "https://downloads.cronofy.test/t.json" } },
      { status: 302 },
    );
  if (input.startsWith("https://downloads.cronofy.test/")) return Response.json(cronofyTranscript);
  return Response.json(meetingBaasTranscript);
};

/** Every line the receiver wrote, through both of its log outputs. */
const lines: string[] = [];
let receiver: Receiver | undefined;
const sent: SignedRequest[] = [];

/** Signs in on the login form with the read token, as a browser does; the cookies it then sends. */
async function signIn(r: Receiver): Promise<string> {
  const form = await r.app.inject({ method: "GET", url: "/login" });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? "";
  const formCookies = form.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const answer = await r.app.inject({
    method: "POST",
    url: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: formCookies },
    payload: new URLSearchParams({ _csrf: csrf, token, next: "/" }).toString(),
  });
  expect(answer.statusCode).toBe(303);
  return [formCookies, ...answer.cookies.map((c) => `${c.name}=${c.value}`)].join("; ");
}

describe("what the receiver logs", () => {
  beforeAll(async () => {
    receiver = await startReceiver(
      {
        logRequests: true,
        // Unset secrets: development mode, the well-known development secrets of @meeting-webhooks/mocks.
        env: {
          CRONOFY_CLIENT_SECRETS: "",
          MEETINGBAAS_CALLBACK_SECRETS: "",
          MEETINGBAAS_WEBHOOK_SECRET: "",
          CRONOFY_API_KEY: "cronofy-api-key-for-logs-test",
          READ_API_TOKENS: token,
        },
      },
      { fetch: downloads, logStream: { write: (line: string) => lines.push(line) } },
    );
    const webhookKey = Buffer.from(devSecrets.meetingBaasWebhook.slice("whsec_".length), "base64");
    sent.push(
      cronofyRequest(example("cronofy/examples/meeting_agent_activated.json"), devSecrets.cronofy),
      cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"), devSecrets.cronofy),
      callbackRequest(example("meetingbaas/examples/bot.completed.json"), devSecrets.meetingBaasCallback),
      webhookRequest(example("meetingbaas/examples/bot.status_change--in-call-recording.json"), {
        key: webhookKey,
      }),
    );
    for (const request of sent) expect((await inject(receiver, request)).status).toBe(202);
    // Refused ones too: a wrong secret and a wrong signature are values someone tried, and still never logged.
    const wrongSecret = callbackRequest(
      example("meetingbaas/examples/bot.completed.json"),
      "wrong-secret-0b1c",
    );
    const wrongSignature = webhookRequest(example("meetingbaas/examples/bot.completed.json"), {
      key: Buffer.from("not the signing key at all 0123"),
    });
    for (const request of [wrongSecret, wrongSignature]) {
      expect((await inject(receiver, request)).status).toBe(401);
      sent.push(request);
    }
    // A signed body that is not JSON: parsers quote what they could not read in their messages.
    const notJson = cronofyRequest(`{"meeting_agent": ${unreadable}`, devSecrets.cronofy);
    expect((await inject(receiver, notJson)).status).toBe(400);
    sent.push(notJson);
    await receiver.drain();

    cookie = await signIn(receiver);
    const dashboard = await receiver.app.inject({
      method: "GET",
      url: `/?access_token=${token}`,
      headers: { accept: "text/html", cookie },
    });
    expect(dashboard.statusCode).toBe(200);
    const { meetings } = (
      await receiver.app.inject({
        method: "GET",
        url: "/api/meetings?provider=cronofy",
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    const meeting = await receiver.app.inject({
      method: "GET",
      url: `/api/meetings/${meetings[0].id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(meeting.json().transcript.length).toBeGreaterThan(0);
    const erased = await receiver.app.inject({
      method: "DELETE",
      url: `/api/meetings/${meetings[0].id}`,
      headers: { authorization: `Bearer ${token}`, cookie },
    });
    expect(erased.statusCode).toBe(204);
    // Closed before reading: whatever stopping logs is in the capture too.
    const closing = receiver;
    receiver = undefined;
    await closing.close();
  });

  afterAll(async () => {
    await receiver?.close();
  });

  const captured = () => lines.join("");

  it("logs each request as its method, path and remote address only, and the receiver's own lines", () => {
    const requests = lines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { req?: Record<string, unknown> })
      .flatMap((entry) => (entry.req ? [entry.req] : []));
    expect(requests.length).toBeGreaterThanOrEqual(sent.length + 3);
    for (const req of requests) expect(Object.keys(req).sort()).toEqual(["method", "path", "remoteAddress"]);
    expect(requests).toContainEqual({
      method: "DELETE",
      path: expect.stringMatching(/^\/api\/meetings\/\d+$/),
      remoteAddress: expect.any(String),
    });
    expect(requests).toContainEqual({ method: "GET", path: "/", remoteAddress: expect.any(String) });
    expect(captured()).toMatch(/\[receiver\] meeting \d+ erased on request/);
  });

  it("never holds a secret, a signature header's value, a token or a cookie", () => {
    const log = captured();
    const needles = [
      devSecrets.cronofy,
      devSecrets.meetingBaasCallback,
      devSecrets.meetingBaasWebhook,
      devSecrets.meetingBaasWebhook.slice("whsec_".length),
      "wrong-secret-0b1c",
      "cronofy-api-key-for-logs-test",
      token,
      ...cookie.split("; ").flatMap((pair) => [pair, pair.slice(pair.indexOf("=") + 1)]),
      ...sent.flatMap((request) =>
        ["cronofy-hmac-sha256", "svix-signature", "x-mb-secret"].flatMap((name) => {
          const value = request.headers[name];
          return value ? [value, value.replace(/^v1,/, "")] : [];
        }),
      ),
    ];
    expect(needles.length).toBeGreaterThan(10);
    for (const needle of needles) expect(log.includes(needle), `the log holds ${needle}`).toBe(false);
  });

  it("never holds a body or a transcript line", () => {
    const log = captured();
    const sentences = [
      cronofyTranscript.transcript.paragraphs[0].sentences[0].text as string,
      meetingBaasTranscript.result.utterances[0].text as string,
    ];
    const bodies = sent.map((request) => request.payload);
    for (const needle of [...sentences, ...bodies, "Priya Raman", unreadable])
      expect(log.includes(needle), `the log holds ${needle.slice(0, 60)}`).toBe(false);
  });
});
