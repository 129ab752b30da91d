// Every route of a receiver at once: the three routes the receive adapters (and the sample receiver) mount under a
// prefix, each graded with its own secrets. One call per receiver under test, whatever it is built with.
import { webhookRoutes } from "@meeting-webhooks/receive";
import { type ConformanceOptions, type ConformanceReport, runConformance } from "./run.js";

/** The secrets a receiver verifies with, per channel. */
export interface ReceiverSecrets {
  cronofy: string | readonly string[];
  meetingBaasCallback: string;
  meetingBaasWebhook: string | readonly string[];
}

export interface RoutesConformanceOptions
  extends Pick<ConformanceOptions, "timeoutMs" | "waitMs" | "onResult" | "fetch"> {
  /** Where the routes are mounted: `http://127.0.0.1:3000/webhooks` for `{path: "/webhooks"}`. */
  baseUrl: string;
  secrets: ReceiverSecrets;
}

/**
 * Runs every scenario against `${baseUrl}/cronofy`, `${baseUrl}/meetingbaas` and `${baseUrl}/meetingbaas/callback`
 * (`webhookRoutes`), once per method each route takes (callbacks: POST, then PUT): one report per run. A receiver's
 * test suite needs one line: `expect(conformanceFailures(await runConformanceOnRoutes({ baseUrl, secrets }))).toEqual([])`.
 */
export async function runConformanceOnRoutes(
  options: RoutesConformanceOptions,
): Promise<ConformanceReport[]> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const reports: ConformanceReport[] = [];
  for (const [path, route] of webhookRoutes("")) {
    const callback = route.provider === "meetingbaas" && route.channel === "callback";
    const secrets =
      route.provider === "cronofy"
        ? options.secrets.cronofy
        : callback
          ? options.secrets.meetingBaasCallback
          : options.secrets.meetingBaasWebhook;
    for (const method of route.methods) {
      reports.push(
        await runConformance({
          url: `${base}${path}`,
          provider: route.provider,
          channel: route.channel,
          secrets,
          ...(callback ? { method: method as "POST" | "PUT" } : {}),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
          ...(options.onResult ? { onResult: options.onResult } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
    }
  }
  return reports;
}
