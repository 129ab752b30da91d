// `@meeting-webhooks/receive/node`: middleware for node:http, Express 5 and Connect. It reads the raw body itself
// (signatures are over the bytes as received), refuses what it can before reading, and answers with `httpStatusOf`.
import type { IncomingMessage, ServerResponse } from "node:http";
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
import type { ReceiveResult, WebhookReceiver } from "../webhooks.js";

export type { AdapterOptions } from "../http.js";

type Next = (error?: unknown) => void;
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: Next,
) => Promise<void>;

/** The raw body, or undefined once more than `limit` bytes arrived (the rest is not buffered). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData);
        request.resume(); // drain without keeping it
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks, size)));
    request.once("error", reject);
  });
}

/** A body a framework already read raw (`express.raw()`); a parsed object cannot be verified and is not used. */
function alreadyRead(request: IncomingMessage): Buffer | undefined {
  const body = (request as { body?: unknown }).body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  return undefined;
}

function send(response: ServerResponse, answer: Answer, close = false): void {
  response.writeHead(answer.status, close ? { ...answer.headers, connection: "close" } : answer.headers);
  response.end(answer.body);
}

/**
 * `createNodeMiddleware(webhooks, { path: "/webhooks" })`: handles `POST {path}/cronofy`, `POST {path}/meetingbaas`
 * and `POST|PUT {path}/meetingbaas/callback`; for any other path it calls `next()` (Express, Connect) or answers 404
 * (plain node:http). Mount it before any JSON body parser, or give those routes `express.raw({ type: "*\/*" })`.
 */
export function createNodeMiddleware(
  webhooks: WebhookReceiver,
  options: AdapterOptions = {},
): NodeMiddleware {
  const routes = webhookRoutes(options.path);
  const limit = options.bodyLimit ?? defaultBodyLimit;
  return async (request, response, next) => {
    const pathname = (request.url ?? "/").split("?", 1)[0] as string;
    const route = routes.get(pathname);
    if (!route) {
      if (next) return next();
      const answer = notFound(pathname);
      response.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    const refused = refuseBeforeReading(
      route,
      request.method ?? "GET",
      request.headers["content-type"],
      request.headers["content-length"],
      limit,
    );
    if (refused) return send(response, answerOf(refused, route), true);
    let result: ReceiveResult;
    try {
      const body = alreadyRead(request) ?? (await readBody(request, limit));
      if (body === undefined || body.length > limit)
        return send(response, answerOf(tooLarge(limit), route), true);
      result = await webhooks.receive({
        provider: route.provider,
        channel: route.channel,
        body,
        headers: request.headers,
      });
    } catch (error) {
      // A broken connection while reading: nothing was received, nothing to answer but a failure.
      if (next) return next(error);
      response.writeHead(400);
      response.end();
      return;
    }
    send(response, answerOf(result, route));
  };
}
