// The dashboard: server-rendered HTML with no script and nothing loaded from elsewhere (meetings, deliveries, drift),
// one page per meeting, and the operations view.
import { problemOf } from "@meeting-webhooks/receive";
import type { FastifyPluginAsync } from "fastify";
import { renderDashboard, renderMeetingPage, renderOperationsPage } from "../dashboard.js";
import type { ReadSide } from "../read-side.js";
import { send } from "./read-api.js";

export interface PagesOptions {
  read: ReadSide;
  /** Whether the docs site is built (linked from the dashboard). */
  docsAvailable: () => boolean;
  /** RETENTION_DAYS, for the dashboard's line on what is kept and for how long. */
  retentionDays?: number;
}

export const pagesPlugin: FastifyPluginAsync<PagesOptions> = async (
  app,
  { read, docsAvailable, retentionDays },
) => {
  const html = "text/html; charset=utf-8";
  app.get("/", async (_request, reply) =>
    reply.type(html).send(await renderDashboard(read, docsAvailable(), retentionDays)),
  );
  app.get("/operations", async (_request, reply) => reply.type(html).send(await renderOperationsPage(read)));
  app.get("/meetings/:id", async (request, reply) => {
    const page = await renderMeetingPage(read, Number((request.params as { id: string }).id));
    return page ? reply.type(html).send(page) : send(reply, problemOf(404, "not_found", "No such meeting."));
  });
};
