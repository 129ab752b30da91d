// `GET /metrics`: this process's metrics in the Prometheus text format, for a scraper that reaches every replica (see
// the README's "Metrics"). Every role serves it: a worker's lag and runs are only in the worker.
import type { FastifyPluginAsync } from "fastify";
import type { ReceiverMetrics } from "../metrics.js";
import { routeSchema } from "../route-schemas.js";

export interface MetricsPluginOptions {
  metrics: ReceiverMetrics;
}

export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { metrics }) => {
  app.get("/metrics", { schema: routeSchema("getMetrics") }, async (_request, reply) => {
    const body = await metrics.scrape();
    return reply.header("content-type", metrics.contentType).send(body);
  });
};
