// Access control with READ_API_TOKENS set: deny by default (the read API, the dashboard, and a route added later),
// public webhooks, health checks and docs, the dashboard's sign-in with a signed session cookie and CSRF-checked
// forms, rate limits on failures and on the read API, and the security headers. Without tokens on loopback, the
// receiver answers as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../src/access/sign-in.js";
import type { Receiver } from "../src/app.js";
import { cronofyRequest, example, inject, startReceiver } from "./support.js";

const current = `current-read-token-${"c".repeat(32)}`;
const previous = `previous-read-token-${"p".repeat(32)}`;
const tokens = `${current},${previous}`;

type Response = Awaited<ReturnType<Receiver["app"]["inject"]>>;

/** The `name=value` pairs a response sets, to send back as a Cookie header. */
function cookiesOf(response: Response): Record<string, string> {
  return Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
}
const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in ${html.slice(0, 200)}`);
  return match[1] as string;
}

/** Opens the login form as a browser would: its cookies and its CSRF token. */
async function openLogin(receiver: Receiver, remoteAddress = "127.0.0.1") {
  const response = await receiver.app.inject({ method: "GET", url: "/login", remoteAddress });
  expect(response.statusCode).toBe(200);
  return { cookies: cookiesOf(response), csrf: csrfOf(response.body) };
}

async function signIn(receiver: Receiver, token: string, remoteAddress = "127.0.0.1") {
  const form = await openLogin(receiver, remoteAddress);
  const response = await receiver.app.inject({
    method: "POST",
    url: "/login",
    remoteAddress,
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(form.cookies) },
    payload: new URLSearchParams({ _csrf: form.csrf, token, next: "/operations" }).toString(),
  });
  return { response, cookies: { ...form.cookies, ...cookiesOf(response) } };
}

describe("with READ_API_TOKENS", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({ env: { READ_API_TOKENS: tokens } }, { process: false });
    // Stands for a route another module adds later: protected without saying so.
    receiver.app.get("/added-later", async () => "secret\n");
  });
  afterAll(() => receiver?.close());

  it.each([
    "/api/meetings",
    "/api/meetings/1",
    "/api/deliveries",
    "/api/drift",
    "/metrics",
    "/added-later",
    "/operations",
    "/no-such-route",
  ])("GET %s without a token is a 401 problem with a Bearer challenge", async (url) => {
    const response = await receiver.app.inject({ method: "GET", url });
    expect(response.statusCode).toBe(401);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.headers["www-authenticate"]).toBe('Bearer realm="meeting-webhooks receiver"');
    expect(response.json()).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("a wrong token is a 401 invalid_token", async () => {
    const response = await receiver.app.inject({
      method: "GET",
      url: "/api/meetings",
      headers: { authorization: `Bearer ${current.slice(0, -1)}x` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
    expect(response.json()).toMatchObject({ code: "invalid_token" });
    expect(response.body).not.toContain('meetings":');
  });

  it.each([
    ["the current", current],
    ["the previous (rotation)", previous],
  ])("%s token reads the API and the metrics", async (_name, token) => {
    const headers = { authorization: `Bearer ${token}` };
    const meetings = await receiver.app.inject({ method: "GET", url: "/api/meetings", headers });
    expect(meetings.statusCode).toBe(200);
    expect(meetings.json()).toEqual({ meetings: [] });
    const metrics = await receiver.app.inject({ method: "GET", url: "/metrics", headers });
    expect(metrics.statusCode).toBe(200);
    const later = await receiver.app.inject({ method: "GET", url: "/added-later", headers });
    expect(later.statusCode).toBe(200);
  });

  it("webhooks, /healthz, /livez and the docs need no token", async () => {
    const delivery = await inject(
      receiver,
      cronofyRequest(example("cronofy/examples/meeting_agent_complete.json")),
    );
    expect(delivery.status).toBe(202);
    for (const url of ["/healthz", "/livez"])
      expect((await receiver.app.inject({ method: "GET", url })).statusCode).toBe(200);
    const docs = await receiver.app.inject({ method: "GET", url: "/docs" });
    expect(docs.statusCode).toBe(302);
    expect(docs.headers.location).toBe("/docs/");
  });

  it("a browser without a session is sent to the login form, with where it was going", async () => {
    const response = await receiver.app.inject({
      method: "GET",
      url: "/meetings/3?x=1",
      headers: { accept: "text/html,application/xhtml+xml" },
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/login?next=${encodeURIComponent("/meetings/3?x=1")}`);
  });

  it("signing in sets a signed, HttpOnly, SameSite=Strict session cookie (not Secure on loopback) and goes on", async () => {
    const { response } = await signIn(receiver, current);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/operations");
    const session = response.cookies.find((cookie) => cookie.name === sessionCookie);
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/", maxAge: 43_200 });
    expect(session?.secure).toBeUndefined();
    expect(session?.value).toMatch(/\.[A-Za-z0-9+/_-]+$/); // the signature
  });

  it("a session reads the dashboard, which shows a sign-out form with a CSRF token", async () => {
    const { cookies } = await signIn(receiver, current);
    const page = await receiver.app.inject({
      method: "GET",
      url: "/",
      headers: { accept: "text/html", cookie: cookieHeader(cookies) },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(
      /<form method="post" action="\/logout" class="logout" style="float:right"><input type="hidden" name="_csrf" value="[^"]+">/,
    );
    const api = await receiver.app.inject({
      method: "GET",
      url: "/api/meetings",
      headers: { cookie: cookieHeader(cookies) },
    });
    expect(api.statusCode).toBe(200);
  });

  it("a tampered session cookie is refused", async () => {
    const { cookies } = await signIn(receiver, current);
    const forged = (cookies[sessionCookie] as string).replace(/^[^.]+/, "AAAAAAAAAAAAAAAAAAAAAA");
    const response = await receiver.app.inject({
      method: "GET",
      url: "/api/meetings",
      headers: { cookie: cookieHeader({ ...cookies, [sessionCookie]: forged }) },
    });
    expect(response.statusCode).toBe(401);
  });

  it("a wrong token on the form shows the form again with 401 and sets no session", async () => {
    const { response } = await signIn(receiver, "not-a-token", "192.0.2.50");
    expect(response.statusCode).toBe(401);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("not one of the receiver&#39;s read tokens");
    expect(response.cookies.map((cookie) => cookie.name)).not.toContain(sessionCookie);
  });

  it("the login form refuses a POST without its CSRF token", async () => {
    const response = await receiver.app.inject({
      method: "POST",
      url: "/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ token: current }).toString(),
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: "csrf_invalid" });
    expect(response.cookies.map((cookie) => cookie.name)).not.toContain(sessionCookie);
  });

  it("signing out needs the CSRF token, then clears the session and shows the login form", async () => {
    const { cookies } = await signIn(receiver, current);
    const forged = await receiver.app.inject({
      method: "POST",
      url: "/logout",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(cookies) },
      payload: "_csrf=guess",
    });
    expect(forged.statusCode).toBe(403);
    const page = await receiver.app.inject({
      method: "GET",
      url: "/",
      headers: { accept: "text/html", cookie: cookieHeader(cookies) },
    });
    const out = await receiver.app.inject({
      method: "POST",
      url: "/logout",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookieHeader({ ...cookies, ...cookiesOf(page) }),
      },
      payload: new URLSearchParams({ _csrf: csrfOf(page.body) }).toString(),
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe("/login");
    const cleared = out.cookies.find((cookie) => cookie.name === sessionCookie);
    expect(cleared?.value).toBe("");
  });

  it("an open redirect through next is refused", async () => {
    for (const next of [
      "//evil.example.invalid/",
      "https://evil.example.invalid/",
      "/\\evil.example.invalid",
    ]) {
      const form = await openLogin(receiver);
      const response = await receiver.app.inject({
        method: "POST",
        url: "/login",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(form.cookies) },
        payload: new URLSearchParams({ _csrf: form.csrf, token: current, next }).toString(),
      });
      expect(response.headers.location).toBe("/");
    }
  });

  it("sends the security headers, with a CSP that allows no script, and leaves the docs' own CSP alone", async () => {
    const response = await receiver.app.inject({ method: "GET", url: "/login" });
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src/);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["cache-control"]).toBe("no-store");
    const docs = await receiver.app.inject({ method: "GET", url: "/docs/" });
    expect(docs.headers["content-security-policy"]).toBeUndefined();
    expect(docs.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("rate limits", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver(
      { env: { READ_API_TOKENS: tokens, AUTH_FAILURE_LIMIT: "3", READ_API_RATE_LIMIT: "8" } },
      { process: false },
    );
  });
  afterAll(() => receiver?.close());

  const read = (token: string, remoteAddress: string, url = "/api/meetings") =>
    receiver.app.inject({ method: "GET", url, remoteAddress, headers: { authorization: `Bearer ${token}` } });

  it("after 3 refused tokens an address gets 429 with Retry-After, even with a right token; others do not", async () => {
    for (let i = 0; i < 3; i++) expect((await read(`wrong-${i}`, "198.51.100.1")).statusCode).toBe(401);
    const blocked = await read(current, "198.51.100.1");
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: "rate_limited" });
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect((await read(current, "198.51.100.2")).statusCode).toBe(200);
  });

  it("failed logins count too: the form answers 429", async () => {
    for (let i = 0; i < 3; i++)
      expect((await signIn(receiver, `wrong-${i}`, "198.51.100.3")).response.statusCode).toBe(401);
    const { response } = await signIn(receiver, current, "198.51.100.3");
    expect(response.statusCode).toBe(429);
    expect(response.headers["retry-after"]).toBeDefined();
  });

  it("the read API allows READ_API_RATE_LIMIT requests a minute per address, webhooks and health checks are not limited", async () => {
    for (let i = 0; i < 8; i++) expect((await read(current, "198.51.100.4")).statusCode).toBe(200);
    const limited = await read(current, "198.51.100.4");
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "rate_limited" });
    for (let i = 0; i < 12; i++)
      expect(
        (await receiver.app.inject({ method: "GET", url: "/healthz", remoteAddress: "198.51.100.4" }))
          .statusCode,
      ).toBe(200);
  });
});

describe("sessions and rotation", () => {
  const sessionSecret = `session-secret-${"s".repeat(32)}`;

  it("a public HOST sets Secure cookies", async () => {
    const receiver = await startReceiver(
      { env: { READ_API_TOKENS: current, HOST: "0.0.0.0" } },
      { process: false },
    );
    try {
      const { response } = await signIn(receiver, current);
      expect(response.cookies.find((cookie) => cookie.name === sessionCookie)?.secure).toBe(true);
      expect(response.headers["strict-transport-security"]).toMatch(/max-age=/);
    } finally {
      await receiver.close();
    }
  });

  it("with SESSION_SECRET, removing a token ends the sessions made with it and keeps the others", async () => {
    const both = await startReceiver(
      { env: { READ_API_TOKENS: tokens, SESSION_SECRET: sessionSecret } },
      { process: false },
    );
    let withCurrent: Record<string, string>;
    let withPrevious: Record<string, string>;
    try {
      withCurrent = (await signIn(both, current)).cookies;
      withPrevious = (await signIn(both, previous)).cookies;
    } finally {
      await both.close();
    }
    const rotated = await startReceiver(
      { env: { READ_API_TOKENS: current, SESSION_SECRET: sessionSecret } },
      { process: false },
    );
    try {
      const get = (cookies: Record<string, string>) =>
        rotated.app.inject({
          method: "GET",
          url: "/api/meetings",
          headers: { cookie: cookieHeader(cookies) },
        });
      expect((await get(withCurrent)).statusCode).toBe(200);
      expect((await get(withPrevious)).statusCode).toBe(401);
    } finally {
      await rotated.close();
    }
  });
});

describe("without READ_API_TOKENS on loopback", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver({}, { process: false });
  });
  afterAll(() => receiver?.close());

  it("the read API and the dashboard answer as before, with the security headers", async () => {
    expect((await receiver.app.inject({ method: "GET", url: "/api/meetings" })).statusCode).toBe(200);
    const page = await receiver.app.inject({ method: "GET", url: "/", headers: { accept: "text/html" } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain("/logout");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("has no login form", async () => {
    expect((await receiver.app.inject({ method: "GET", url: "/login" })).statusCode).toBe(404);
  });
});

describe("the provider routes", () => {
  it("answer without the browser security headers, which no provider reads", async () => {
    const receiver = await startReceiver({ env: { READ_API_TOKENS: tokens } }, { process: false });
    try {
      const request = cronofyRequest(example("cronofy/examples/meeting_agent_complete.json"));
      const response = await receiver.app.inject({
        method: request.method,
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      });
      expect(response.statusCode).toBe(202);
      expect(response.headers["content-security-policy"]).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });
});

describe("erasure", () => {
  it("DELETE /api/meetings/{id} needs a token, and erases with one", async () => {
    const receiver = await startReceiver({ env: { READ_API_TOKENS: tokens } }, { process: false });
    try {
      const anonymous = await receiver.app.inject({ method: "DELETE", url: "/api/meetings/1" });
      expect(anonymous.statusCode).toBe(401);
      const withToken = await receiver.app.inject({
        method: "DELETE",
        url: "/api/meetings/1",
        headers: { authorization: `Bearer ${current}` },
      });
      expect(withToken.statusCode).toBe(404); // no meeting 1 here: the token got it to the handler
    } finally {
      await receiver.close();
    }
  });
});
