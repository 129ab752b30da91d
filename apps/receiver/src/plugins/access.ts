// Access control, deny by default: with READ_API_TOKENS set, every route needs a bearer token or a dashboard session
// except the few that strangers must reach (`publicRoute`), so a route another module adds is protected without
// saying so. Security headers (a strict CSP: the dashboard has no script), cookies, CSRF and rate limits come from
// Fastify's own plugins; this file only decides who passes.
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import { problemOf } from "@meeting-webhooks/receive";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { AccessConfig, RateLimit } from "../access/config.js";
import {
  decodeSession,
  encodeSession,
  localPath,
  renderLoginPage,
  renderLogoutForm,
  sessionCookie,
  sessionMaxAgeSeconds,
} from "../access/sign-in.js";
import { bearerOf, ReadTokens } from "../access/tokens.js";
import { send, sendError } from "./read-api.js";

export interface AccessOptions {
  access: AccessConfig;
  log: (message: string) => void;
}

/**
 * The routes anyone may call, by route pattern (what the router matched, never the raw URL, so `..` or encoding
 * tricks cannot borrow a public route's pass): the providers' webhooks (they authenticate by signature), the
 * load balancer's health checks, signing in and out, and the docs site, which is built from the published
 * contracts alone and shows no stored data.
 */
export function publicRoute(pattern: string | undefined): boolean {
  if (pattern === undefined) return false;
  if (["/healthz", "/livez", "/login", "/logout", "/docs"].includes(pattern)) return true;
  return pattern.startsWith("/webhooks/") || pattern === "/webhooks" || pattern.startsWith("/docs/");
}

const realm = 'Bearer realm="meeting-webhooks receiver"';
const html = "text/html; charset=utf-8";

/**
 * The dashboard's policy: nothing but its own inline styles, images from itself (and the `data:` favicon), forms to
 * itself, never framed. No `script-src`: the pages have no script, so an injected one cannot run.
 */
const strictPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
};

declare module "fastify" {
  interface FastifyRequest {
    /** How the request was let in when READ_API_TOKENS is set: a bearer token, a dashboard session, or a public route. */
    accessVia?: "token" | "session" | "public";
    /** The CSRF token for the sign-out form of a page shown to a signed-in browser. */
    logoutCsrf?: string;
  }
}

function pathOf(request: FastifyRequest): string {
  return request.url.split("?")[0] ?? "/";
}

/** A browser asking for a page (it gets the login form), rather than an API client (it gets a 401). */
function wantsPage(request: FastifyRequest): boolean {
  return (
    (request.method === "GET" || request.method === "HEAD") &&
    !pathOf(request).startsWith("/api/") &&
    /\btext\/html\b/.test(request.headers.accept ?? "")
  );
}

function unauthorized(reply: FastifyReply, detail: string, error?: "invalid_token") {
  const challenge = error ? `${realm}, error="${error}"` : realm;
  return send(reply, problemOf(401, error ?? "unauthorized", detail, {}, { "www-authenticate": challenge }));
}

function rateLimited(reply: FastifyReply, retryAfter: number, detail: string) {
  return send(
    reply,
    problemOf(429, "rate_limited", detail, {}, { "retry-after": String(Math.max(1, retryAfter)) }),
  );
}

function limiterOf(app: FastifyInstance, limit: RateLimit) {
  return app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs });
}

async function accessPlugin(app: FastifyInstance, { access, log }: AccessOptions) {
  const tokens = new ReadTokens(access.tokens);
  const enforced = tokens.enabled;

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: strictPolicy,
    // Over plain HTTP on loopback a browser ignores HSTS anyway; on a public address it reaches us through TLS.
    strictTransportSecurity: access.secureCookies ? { maxAge: 15_552_000 } : false,
  });
  // The docs pages carry their own CSP (with the hashes of their scripts) in a meta tag; the strict one would block
  // them, so theirs stays and only the other headers are added. The provider routes answer machines that read none
  // of these headers: skipping them keeps the ingest path as fast as it was.
  app.addHook("onRoute", (route) => {
    const helmet = route.url.startsWith("/docs")
      ? { contentSecurityPolicy: false }
      : route.url.startsWith("/webhooks/")
        ? { skipRoute: true }
        : undefined;
    if (helmet) route.config = { ...(route.config ?? {}), helmet } as typeof route.config;
  });
  if (!enforced) {
    if (access.disabledOnPurpose)
      log(
        "WARNING: READ_API_AUTH=off: the read API, the dashboard and the metrics are served without a token on a non-loopback address",
      );
    return;
  }

  const cookieKeys = access.sessionSecrets.length > 0 ? access.sessionSecrets : tokens.sessionKeys();
  await app.register(fastifyCookie, { secret: cookieKeys });
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await app.register(fastifyRateLimit, { global: false });
  const cookieOptions = {
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: access.secureCookies,
    signed: true,
  };
  await app.register(fastifyCsrf, { sessionPlugin: "@fastify/cookie", cookieOpts: cookieOptions });

  const readLimit = limiterOf(app, access.readApiLimit);
  const failures = limiterOf(app, access.failureLimit);
  /** Seconds until this address may try again, or 0 when it has failures left. */
  const blockedFor = async (request: FastifyRequest) => {
    const state = await failures(request, { increment: false });
    return !state.isAllowed && state.remaining === 0 ? Math.max(1, state.ttlInSeconds) : 0;
  };
  const tooManyFailures = "Too many failed tokens from this address: wait for Retry-After seconds.";

  const sessionOf = (request: FastifyRequest) => {
    const raw = request.cookies[sessionCookie];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return undefined;
    const session = decodeSession(unsigned.value);
    return session && tokens.knows(session.fingerprint) ? session : undefined;
  };

  app.addHook("onRequest", async (request, reply) => {
    if (publicRoute(request.routeOptions.url)) {
      request.accessVia = "public";
      return;
    }
    if (pathOf(request).startsWith("/api/")) {
      const state = await readLimit(request);
      if (!state.isAllowed && state.isExceeded)
        return rateLimited(
          reply,
          state.ttlInSeconds,
          "Too many read API requests from this address: wait for Retry-After seconds.",
        );
    }
    if (sessionOf(request)) {
      request.accessVia = "session";
      if (wantsPage(request)) request.logoutCsrf = reply.generateCsrf();
      return;
    }
    const presented = bearerOf(request.headers.authorization);
    if (presented !== undefined) {
      const wait = await blockedFor(request);
      if (wait > 0) return rateLimited(reply, wait, tooManyFailures);
      if (tokens.match(presented) !== -1) {
        request.accessVia = "token";
        return;
      }
      await failures(request);
      return unauthorized(reply, "The bearer token is not one of READ_API_TOKENS.", "invalid_token");
    }
    if (wantsPage(request))
      return reply.redirect(`/login?next=${encodeURIComponent(localPath(request.url))}`, 303);
    return unauthorized(reply, "Send Authorization: Bearer <one of READ_API_TOKENS>.");
  });

  // A page shown to a signed-in browser gets its sign-out button, without each page having to know about sessions.
  app.addHook("onSend", async (request, reply, payload) => {
    if (!request.logoutCsrf || typeof payload !== "string") return payload;
    if (!String(reply.getHeader("content-type") ?? "").startsWith("text/html")) return payload;
    return payload.replace("<body>", `<body>${renderLogoutForm(request.logoutCsrf)}`);
  });

  await app.register(async (forms) => {
    forms.setErrorHandler(
      (error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
        if (error.code?.startsWith("FST_CSRF_"))
          return send(
            reply,
            problemOf(
              403,
              "csrf_invalid",
              "The form has no valid CSRF token (it expired, or came from another site): reload the page and submit again.",
            ),
          );
        return sendError(reply, error, log);
      },
    );

    const loginPage = (reply: FastifyReply, next: string, error?: string) =>
      reply
        .type(html)
        .header("cache-control", "no-store")
        .send(renderLoginPage({ csrfToken: reply.generateCsrf(), next, error }));

    forms.get("/login", async (request, reply) => {
      const next = localPath((request.query as { next?: unknown }).next);
      if (sessionOf(request)) return reply.redirect(next, 303);
      return loginPage(reply, next);
    });

    forms.post("/login", { preHandler: forms.csrfProtection }, async (request, reply) => {
      const body = (request.body ?? {}) as { token?: unknown; next?: unknown };
      const next = localPath(body.next);
      const wait = await blockedFor(request);
      if (wait > 0)
        return loginPage(reply.code(429).header("retry-after", String(wait)), next, tooManyFailures);
      const index = typeof body.token === "string" ? tokens.match(body.token.trim()) : -1;
      if (index === -1) {
        await failures(request);
        return loginPage(reply.code(401), next, "That is not one of the receiver's read tokens.");
      }
      const session = {
        fingerprint: tokens.fingerprints[index] as string,
        expiresAt: Date.now() + sessionMaxAgeSeconds * 1000,
      };
      reply.setCookie(sessionCookie, encodeSession(session), {
        ...cookieOptions,
        maxAge: sessionMaxAgeSeconds,
      });
      return reply.redirect(next, 303);
    });

    forms.post("/logout", { preHandler: forms.csrfProtection }, async (_request, reply) => {
      reply.clearCookie(sessionCookie, { ...cookieOptions, signed: false });
      return reply.redirect("/login", 303);
    });
  });
}

export const accessControl = fp(accessPlugin, { name: "receiver-access", fastify: "5.x" });
