// DELETE /api/meetings/{id} (specs/receiver/openapi.yaml, deleteMeeting): a person asks to be forgotten. The meeting,
// its timeline, participants, artifacts and transcript go, and the bodies and headers of its deliveries are blanked
// by the inbox, in one transaction (the inbox's `forget` with the read model's erasure as `alsoErase`). The delivery
// rows stay, keys included, so a provider's late retry is answered as a duplicate and re-creates nothing. While one
// of its deliveries is still pending the answer is 409: its handler would write the meeting again.
import { ForgetRefused, type Inbox } from "@meeting-webhooks/inbox";
import { problemOf } from "@meeting-webhooks/receive";
import type { FastifyPluginAsync } from "fastify";
import { eraseMeeting, meetingSubject } from "../read-model/erasure.js";
import { routeSchema } from "../route-schemas.js";
import { send } from "./read-api.js";

export interface ErasurePluginOptions {
  inbox: Inbox;
  log: (message: string) => void;
}

export const erasurePlugin: FastifyPluginAsync<ErasurePluginOptions> = async (app, { inbox, log }) => {
  app.delete("/api/meetings/:id", { schema: routeSchema("deleteMeeting") }, async (request, reply) => {
    const { id } = request.params as { id: number };
    const subject = await meetingSubject(inbox.database, id);
    if (subject === undefined) return send(reply, problemOf(404, "not_found", `No meeting ${id}.`));
    try {
      const blanked = await inbox.forget(
        { subject },
        { whenPending: "refuse", alsoErase: (tx) => eraseMeeting(tx, id) },
      );
      // The meeting's id and a count only: never what was erased.
      log(`meeting ${id} erased on request, with the contents of ${blanked} deliveries`);
      return reply.code(204).send();
    } catch (error) {
      if (!(error instanceof ForgetRefused)) throw error;
      return send(
        reply,
        problemOf(
          409,
          "deliveries_pending",
          `Meeting ${id} has ${error.pending} deliveries still queued, running or retrying; erasing it now would race their processing. Try again once they are handled or dead (GET /api/deliveries?state=retrying shows them).`,
          { pending: error.pending },
        ),
      );
    }
  });
};
