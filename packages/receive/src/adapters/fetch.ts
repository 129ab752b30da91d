// `@meeting-webhooks/receive/fetch`: a `(request: Request) => Promise<Response>` handler for runtimes built on the
// Fetch API: Next.js route handlers, Hono, Bun, Deno, Cloudflare Workers.
import {
  type AdapterOptions,
  type Answer,
  answerOf,
  defaultBodyLimit,
  notFound,
  refuseBeforeReading,
  tooLarge,
  webhookRoutes,
} from "../http.js";
import type { WebhookReceiver } from "../webhooks.js";

export type { AdapterOptions } from "../http.js";

/** The body's bytes, or undefined as soon as more than `limit` arrived (the stream is cancelled, not buffered). */
async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function respond(answer: Answer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * `createFetchHandler(webhooks, { path: "/webhooks" })`: answers `POST {path}/cronofy`, `POST {path}/meetingbaas`
 * and `POST|PUT {path}/meetingbaas/callback`, and 404 for any other path. Give it the request untouched: the body
 * must not have been read.
 */
export function createFetchHandler(
  webhooks: WebhookReceiver,
  options: AdapterOptions = {},
): (request: Request) => Promise<Response> {
  const routes = webhookRoutes(options.path);
  const limit = options.bodyLimit ?? defaultBodyLimit;
  return async (request) => {
    const { pathname } = new URL(request.url);
    const route = routes.get(pathname);
    if (!route) {
      const answer = notFound(pathname);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    }
    const refused = refuseBeforeReading(
      route,
      request.method,
      request.headers.get("content-type"),
      request.headers.get("content-length"),
      limit,
    );
    if (refused) return respond(answerOf(refused, route));
    const body = await readBody(request, limit);
    if (body === undefined) return respond(answerOf(tooLarge(limit), route));
    const result = await webhooks.receive({
      provider: route.provider,
      channel: route.channel,
      body,
      headers: request.headers,
    });
    return respond(answerOf(result, route));
  };
}
