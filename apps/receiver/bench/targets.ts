// The two servers under load besides pgbench: the receiver (apps/receiver's build, ingest and worker in one process)
// and the peer (peer-server.ts), each its own process on its own loopback port, given the same signing secret.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchSecret } from "./load.js";
import type { Engine } from "./options.js";
import { listening, startServer } from "./processes.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Where a target keeps its data: a SQLite file, or the scratch PostgreSQL database. */
export type Storage = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string };

export const ports: Record<Engine, { receiver: number; peer: number }> = {
  sqlite: { receiver: 4121, peer: 4122 },
  postgres: { receiver: 4123, peer: 4124 },
};

/** The receiver from dist/ (npm run build), with `variant` over its environment. */
export async function startReceiverTarget(storage: Storage, variant: Record<string, string>) {
  const port = ports[storage.engine].receiver;
  const child = startServer(`receiver-${storage.engine}`, [resolve(here, "../dist/main.js")], {
    PORT: String(port),
    RECEIVER_ROLE: "all",
    CRONOFY_CLIENT_SECRETS: "bench",
    MEETINGBAAS_CALLBACK_SECRETS: "bench",
    MEETINGBAAS_WEBHOOK_SECRET: benchSecret,
    ...(storage.engine === "sqlite" ? { DATABASE_PATH: storage.path } : { DATABASE_URL: storage.url }),
    ...variant,
  });
  await listening(port, child, `the ${storage.engine} receiver`);
  return { child, port };
}

export async function startPeerTarget(storage: Storage) {
  const port = ports[storage.engine].peer;
  const child = startServer(`peer-${storage.engine}`, ["--import", "tsx", join(here, "peer-server.ts")], {
    PEER_PORT: String(port),
    PEER_SECRET: benchSecret,
    ...(storage.engine === "sqlite"
      ? { PEER_DATABASE_PATH: storage.path }
      : { PEER_DATABASE_URL: storage.url }),
  });
  await listening(port, child, `the ${storage.engine} peer`);
  return { child, port };
}
