// `@meeting-webhooks/receive/fastify`: a Fastify plugin that registers the webhook routes with their body kept raw
// (only inside the plugin's scope: the app's own JSON parsing is untouched).
import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import {
  type AdapterOptions,
  answerOf,
  defaultBodyLimit,
  refuseBeforeReading,
  tooLarge,
  webhookRoutes,
} from "../http.js";
import type { WebhookReceiver } from "../webhooks.js";

export interface FastifyMeetingWebhooksOptions extends AdapterOptions {
  /** A webhooks object (handled in the request) or an inbox (stored, handled later). */
  webhooks: WebhookReceiver;
}

/**
 * `app.register(meetingWebhooksPlugin, { webhooks, path: "/webhooks" })`: `POST {path}/cronofy`,
 * `POST {path}/meetingbaas` and `POST|PUT {path}/meetingbaas/callback`, answered with `httpStatusOf`.
 */
export const meetingWebhooksPlugin: FastifyPluginAsync<FastifyMeetingWebhooksOptions> = async (
  app: FastifyInstance,
  options,
) => {
  const limit = options.bodyLimit ?? defaultBodyLimit;
  // Every content type arrives as bytes here; the route refuses anything but JSON itself, with its own answer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: limit }, (_request, body, done) =>
    done(null, body),
  );
  // A declared length over the limit is refused before reading; a chunked body over it is stopped by Fastify while
  // reading. Both get the same problem document as in the other adapters.
  const tooLargeAnswer = answerOf(tooLarge(limit));
  app.addHook("onRequest", async (request, reply) => {
    if (Number(request.headers["content-length"] ?? 0) <= limit) return;
    return reply
      .code(tooLargeAnswer.status)
      .headers({ ...tooLargeAnswer.headers, connection: "close" })
      .send(tooLargeAnswer.body);
  });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    if (error.statusCode !== 413) throw error;
    return reply.code(tooLargeAnswer.status).headers(tooLargeAnswer.headers).send(tooLargeAnswer.body);
  });
  for (const [url, route] of webhookRoutes(options.path)) {
    app.route({
      method: ["POST", "PUT"],
      url,
      bodyLimit: limit,
      handler: async (request, reply) => {
        const refused = refuseBeforeReading(
          route,
          request.method,
          request.headers["content-type"],
          undefined, // Fastify has already enforced the limit while reading
          limit,
        );
        const result =
          refused ??
          (await options.webhooks.receive({
            provider: route.provider,
            channel: route.channel,
            body: (request.body as Buffer | undefined) ?? Buffer.alloc(0),
            headers: request.headers,
          }));
        const answer = answerOf(result, route);
        return reply.code(answer.status).headers(answer.headers).send(answer.body);
      },
    });
  }
};

export default meetingWebhooksPlugin;
