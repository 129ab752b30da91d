// The provider routes: the inbox mounted with the project's own Fastify adapter (no ingest code here), wrapped to
// count each outcome for the operations view. Verifying, storing before answering, duplicates, quarantine and the
// 503 when the database is away are the inbox's; the answers are receive's `answerOf`.
import type { Inbox } from "@meeting-webhooks/inbox";
import type { ReceiveResult, WebhookReceiver } from "@meeting-webhooks/receive";
import { meetingWebhooksPlugin } from "@meeting-webhooks/receive/fastify";
import type { FastifyPluginAsync } from "fastify";
import type { OperationsRecorder } from "../operations.js";

export interface WebhooksPluginOptions {
  inbox: Inbox;
  bodyLimit: number;
  recorder: OperationsRecorder | undefined;
  log: (message: string) => void;
}

/** The outcome a result counts as in the operations view; a refusal's code is counted as well. */
function record(recorder: OperationsRecorder, result: ReceiveResult): void {
  if (result.ok) {
    recorder.count(result.duplicate ? "duplicate" : result.event.known ? "accepted" : "unknown");
    return;
  }
  const { error } = result;
  if (error.stage === "envelope" || error.stage === "schema")
    recorder.count(result.duplicate ? "duplicate" : "quarantined");
  else if (error.stage === "unavailable") recorder.count("unavailable");
  else recorder.refused(error.code);
}

export const webhooksPlugin: FastifyPluginAsync<WebhooksPluginOptions> = async (app, options) => {
  const { inbox, recorder, log } = options;
  const counted: WebhookReceiver = {
    providers: inbox.providers,
    async receive(request) {
      const result = await inbox.receive(request);
      if (recorder) record(recorder, result);
      // Never the body or a header: a refusal's code and the delivery's identity only.
      if (!result.ok && result.error.stage === "unavailable") log(`not stored: ${result.error.message}`);
      return result;
    },
  };
  await app.register(meetingWebhooksPlugin, {
    webhooks: counted,
    path: "/webhooks",
    bodyLimit: options.bodyLimit,
  });
};
