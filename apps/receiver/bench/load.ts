// The load: signed Meeting BaaS webhooks (Svix scheme, a fresh svix-id per request, so every request is a new
// delivery) spread over a thousand meetings, sent by autocannon over loopback. The same requests go to every target.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import autocannon from "autocannon";

const key = Buffer.from("meeting-webhooks receiver bench key");
/** The signing secret the receiver and the peer are both given. */
export const benchSecret = `whsec_${key.toString("base64")}`;

const example = JSON.parse(
  readFileSync(join(specsDir, "meetingbaas/examples/bot.status_change.json"), "utf8"),
);
// A thousand meetings (bots), as real traffic spreads over many: one meeting's deliveries are applied in order and
// never concurrently, so a single bot would measure lock waits between workers, not the receiver.
const bodies = Array.from({ length: 1000 }, (_, i) =>
  JSON.stringify({
    ...example,
    data: { ...example.data, bot_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
  }),
);
/** One body and its headers, for pgbench's payload row. */
export const sampleBody = bodies[0] as string;
let counter = 0;

export function signedRequest(): { body: string; headers: Record<string, string> } {
  const n = counter++;
  const payload = bodies[n % bodies.length] as string;
  const id = `msg_bench${process.pid}x${n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${payload}`).digest("base64");
  return {
    body: payload,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${signature}`,
    },
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Share of the machine's CPU time left idle during the load: what was not the limit. */
  idlePercent: number;
}

/** Idle and total CPU time of every core since boot (ms). */
function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/** `connections` connections on the port for `seconds`, as fast as it answers or at `overallRate` req/s. */
export async function load(
  port: number,
  { connections, seconds, overallRate }: { connections: number; seconds: number; overallRate?: number },
): Promise<LoadResult> {
  const before = cpuTimes();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: "POST",
        path: "/webhooks/meetingbaas",
        body: sampleBody,
        setupRequest: (request) => ({ ...request, ...signedRequest() }),
      },
    ],
  });
  const after = cpuTimes();
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    idlePercent: Math.round((100 * (after.idle - before.idle)) / Math.max(1, after.total - before.total)),
  };
}
