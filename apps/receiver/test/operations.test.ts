// The operations view: what each process records per minute, and the charts that show it.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { lineChart, renderOperationsBody, stackedBars } from "../src/operations-view.js";
import { example, inject, startReceiver, testEngines, useEngine, webhookRequest } from "./support.js";

const engines = await testEngines();

describe.each(engines)("on %s", (engine) => {
  beforeAll(() => useEngine(engine));
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it("records each ingest outcome and the deliveries processed with their lag, per process and minute", async () => {
    receiver = await startReceiver({ processName: "replica-a" });
    const request = webhookRequest(example("meetingbaas/examples/bot.status_change.json"));
    expect((await inject(receiver, request)).status).toBe(202);
    expect((await inject(receiver, request)).body.duplicate).toBe(true);
    expect(
      (await inject(receiver, { ...request, headers: { ...request.headers, "svix-signature": "v1,AAAA" } }))
        .status,
    ).toBe(401);
    await receiver.drain();
    await receiver.flushOperations();
    const ops = await receiver.read.operations(5);
    const total = (role: string, outcome: string) =>
      ops.minutes
        .filter((m) => m.process === "replica-a" && m.role === role && m.outcome === outcome)
        .reduce((sum, m) => sum + m.count, 0);
    expect({
      accepted: total("ingest", "accepted"),
      duplicate: total("ingest", "duplicate"),
      rejected: total("ingest", "rejected"),
      processed: total("worker", "processed"),
    }).toEqual({ accepted: 1, duplicate: 1, rejected: 1, processed: 1 });
    const lag = ops.minutes.find((m) => m.role === "worker")?.lagP99Ms;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(ops.queueDepth).toBe(0);
    const page = await receiver.app.inject({ method: "GET", url: "/operations" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("ingest replica-a");
    expect(page.body).toContain("<svg");
  });
});

describe("charts", () => {
  const minutes = ["2026-12-03T08:00", "2026-12-03T08:01", "2026-12-03T08:02"];

  it("a stacked bar per minute, one segment per outcome, scaled to the busiest minute", () => {
    const svg = stackedBars(
      "Deliveries",
      [
        {
          minute: minutes[0] as string,
          process: "p",
          role: "ingest",
          outcome: "accepted",
          count: 30,
          lagP99Ms: null,
        },
        {
          minute: minutes[0] as string,
          process: "p",
          role: "ingest",
          outcome: "duplicate",
          count: 10,
          lagP99Ms: null,
        },
        {
          minute: minutes[2] as string,
          process: "p",
          role: "ingest",
          outcome: "accepted",
          count: 20,
          lagP99Ms: null,
        },
      ],
      minutes,
    );
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain("2026-12-03T08:00 duplicate: 10");
    expect(svg).toContain(">40<"); // the axis maximum is the busiest minute's total
  });

  it("the lag line has a point per minute with a value and a dashed target line", () => {
    const svg = lineChart("Lag", new Map([[minutes[1] as string, 250]]), minutes, "ms", 1000);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg).toContain("stroke-dasharray");
    expect(svg).toContain("2026-12-03T08:01: 250 ms");
  });

  it("the page shows the queue depth and one section per process", () => {
    const html = renderOperationsBody(
      {
        queueDepth: 7,
        running: 2,
        minutes: [
          {
            minute: "2026-12-03T08:00",
            process: "a",
            role: "ingest",
            outcome: "accepted",
            count: 1,
            lagP99Ms: null,
          },
          {
            minute: "2026-12-03T08:00",
            process: "w",
            role: "worker",
            outcome: "processed",
            count: 1,
            lagP99Ms: 12,
          },
        ],
      },
      new Date("2026-12-03T08:05:00Z"),
    );
    expect(html).toMatch(/queue depth <strong>7<\/strong>/);
    expect(html).toContain("ingest a");
    expect(html).toContain("worker w");
  });
});
