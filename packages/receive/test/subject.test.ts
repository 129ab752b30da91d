// The one subject rule: what deliveries of one meeting (or one calendar) share, so that a queue keeps their order.
import { describe, expect, it } from "vitest";
import { deliveryKeyOf, subjectOf } from "../src/index.js";
import { example as exampleBytes } from "./signing.js";

const example = (provider: string, file: string): unknown =>
  JSON.parse(exampleBytes(`${provider}/examples/${file}`).toString("utf8"));

describe("subjectOf", () => {
  it("is the meeting agent's sub for a Cronofy callback", () => {
    const payload = example("cronofy", "meeting_agent_complete.json") as { meeting_agent: { sub: string } };
    expect(subjectOf({ provider: "cronofy", payload })).toBe(`cronofy:${payload.meeting_agent.sub}`);
  });

  it("is the bot id for every Meeting BaaS bot event", () => {
    for (const file of ["bot.completed.json", "bot.failed.json", "bot.status_change.json"]) {
      const payload = example("meetingbaas", file) as { data: { bot_id: string } };
      expect(subjectOf({ provider: "meetingbaas", payload })).toBe(`meetingbaas:${payload.data.bot_id}`);
    }
  });

  it("is the calendar id for Meeting BaaS calendar events", () => {
    const payload = example("meetingbaas", "calendar.event_created.json") as {
      data: { calendar_id: string };
    };
    expect(subjectOf({ provider: "meetingbaas", payload })).toBe(
      `meetingbaas:calendar:${payload.data.calendar_id}`,
    );
  });

  it("is null when the payload names no meeting or calendar, or names one with an id that is not one", () => {
    expect(subjectOf({ provider: "meetingbaas", payload: { event: "bot.new_thing", data: {} } })).toBeNull();
    expect(subjectOf({ provider: "cronofy", payload: { meeting_agent: { sub: 7 } } })).toBeNull();
    expect(subjectOf({ provider: "meetingbaas", payload: { data: { bot_id: "x".repeat(201) } } })).toBeNull();
    expect(subjectOf({ provider: "meetingbaas", payload: null })).toBeNull();
    // A calendar id outside a calendar event says nothing about order.
    expect(
      subjectOf({ provider: "meetingbaas", payload: { event: "x", data: { calendar_id: "c" } } }),
    ).toBeNull();
  });

  it("names the same meeting as the delivery key of a delivery without a provider id", () => {
    const payload = example("meetingbaas", "bot.completed.json") as { data: { bot_id: string } };
    const key = deliveryKeyOf("meetingbaas", "callback", "bot.completed", payload, Buffer.from("{}"));
    expect(key.split(":")[3]).toBe(payload.data.bot_id);
    expect(deliveryKeyOf("cronofy", "callback", undefined, {}, Buffer.from("{}")).split(":")[3]).toBe("-");
  });
});
