// Where fresh artifact URLs come from is provider knowledge: the meeting page shows the provider module's advice.
import { providers } from "@meeting-webhooks/specs/providers";
import { describe, expect, it } from "vitest";
import { freshUrlsAdviceHtml, renderMeetingPage } from "../src/dashboard.js";
import { moduleOf } from "../src/providers/index.js";
import type { ReadSide } from "../src/read-side.js";

function readSideWith(meeting: Record<string, unknown>): ReadSide {
  return { getMeeting: async () => meeting } as unknown as ReadSide;
}

function meetingOf(provider: string, needsRetryCallback: boolean): Record<string, unknown> {
  return {
    id: 1,
    provider,
    externalId: "ext-1",
    status: "completed",
    title: null,
    needsRetryCallback,
    timeline: [],
    participants: [],
    artifacts: [],
    transcript: null,
  };
}

describe("the advice for expired artifact URLs", () => {
  it.each(providers)("is %s's module's, on the page of a meeting that needs fresh URLs", async (provider) => {
    const page = await renderMeetingPage(readSideWith(meetingOf(provider, true)), 1);
    expect(page).toContain(freshUrlsAdviceHtml(provider));
    const others = providers.filter(
      (other) => moduleOf(other).freshUrlsAdvice !== moduleOf(provider).freshUrlsAdvice,
    );
    for (const other of others) expect(page).not.toContain(freshUrlsAdviceHtml(other));
  });

  it("is absent while no URL has expired", async () => {
    const page = await renderMeetingPage(readSideWith(meetingOf("meetingbaas", false)), 1);
    for (const provider of providers) expect(page).not.toContain(freshUrlsAdviceHtml(provider));
  });

  it("shows the module's backticked parts as code and escapes the rest", () => {
    expect(freshUrlsAdviceHtml("meetingbaas")).toContain("<code>GET /v2/bots/{bot_id}</code>");
    expect(freshUrlsAdviceHtml("meetingbaas")).not.toContain("`");
  });

  it("falls back to the general case for a provider the receiver does not know", () => {
    expect(freshUrlsAdviceHtml("<zoom>")).toBe("An artifact URL expired: the provider must send fresh URLs.");
  });
});
