// `meeting-webhooks mock`: Prism over the documents generated from the contracts, on fixed loopback ports.

import {
  defaultPorts,
  type PrismDocument,
  type PrismServer,
  prismDocuments,
  startPrism,
} from "@meeting-webhooks/mocks/prism";
import { commandLine } from "../args.js";
import { type Io, UsageError } from "../io.js";

const names = Object.keys(prismDocuments) as PrismDocument[];

export const mockHelp = `Usage: meeting-webhooks mock [options]

Starts Prism mock servers generated from the contracts (Prism itself ignores webhooks, so the documents are
generated: npm run generate -w @meeting-webhooks/mocks), on loopback only, and prints what each serves:

  cronofy      ${defaultPorts.cronofy}  Cronofy resource downloads (specs/cronofy/api.yaml)
  meetingbaas  ${defaultPorts.meetingbaas}  Meeting BaaS signed artifacts, retry-callback, resend-webhook (specs/meetingbaas/api.yaml)
  receiver     ${defaultPorts.receiver}  the receiver contract: POST /webhooks/<provider>/<channel>/<event> with each webhook's
               headers and body schema; a request that breaks the contract is refused with the violations

With --proxy, the receiver contract runs as \`prism proxy --errors\` in front of your receiver instead: requests that
break the contract are refused before they reach it, and its answers are checked too. Stop with Ctrl-C.

Options:
  --only <names>          comma-separated subset of: ${names.join(", ")} (default: all)
  --cronofy-port <n>      default ${defaultPorts.cronofy}
  --meetingbaas-port <n>  default ${defaultPorts.meetingbaas}
  --receiver-port <n>     default ${defaultPorts.receiver}
  --host <address>        default 127.0.0.1 (loopback)
  --proxy <url>           run the receiver contract as a validating proxy in front of this URL
  --dynamic               generate varied responses from the schemas instead of the examples
  --verbose               print Prism's request log
  -h, --help              show this help

Exit codes: 0 stopped with Ctrl-C (SIGINT) or SIGTERM, 1 Prism could not start (a port in use?), 2 usage error.

Examples:
  meeting-webhooks mock
  meeting-webhooks mock --only receiver --proxy http://127.0.0.1:3000
  curl -i -X POST http://127.0.0.1:4012/webhooks/cronofy/callback/meeting_agent_complete \\
    -H 'content-type: application/json' -H 'Cronofy-HMAC-SHA256: …' -d @body.json`;

function port(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535)
    throw new UsageError(`--${name} must be a port number, got ${JSON.stringify(raw)}.`);
  return value;
}

/** Resolves when the process is asked to stop. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

export async function mockCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    only: { type: "string" },
    "cronofy-port": { type: "string" },
    "meetingbaas-port": { type: "string" },
    "receiver-port": { type: "string" },
    host: { type: "string" },
    proxy: { type: "string" },
    dynamic: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(mockHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0])}.`);
  const only =
    values.only === undefined ? names : (values.only.split(",").map((s) => s.trim()) as PrismDocument[]);
  for (const name of only)
    if (!names.includes(name))
      throw new UsageError(`Unknown server "${name}" in --only: expected ${names.join(", ")}.`);
  if (values.proxy !== undefined && !URL.canParse(values.proxy))
    throw new UsageError(`--proxy must be a URL, got ${JSON.stringify(values.proxy)}.`);
  const ports: Record<PrismDocument, number> = {
    cronofy: port("cronofy-port", values["cronofy-port"], defaultPorts.cronofy),
    meetingbaas: port("meetingbaas-port", values["meetingbaas-port"], defaultPorts.meetingbaas),
    receiver: port("receiver-port", values["receiver-port"], defaultPorts.receiver),
  };
  const host = values.host ?? "127.0.0.1";
  // Listen for Ctrl-C before anything starts, so that a stop during start-up still stops every Prism.
  const stopping = stopSignal();

  const started = await Promise.allSettled(
    only.map((name) =>
      startPrism({
        document: name,
        mode: name === "receiver" && values.proxy ? "proxy" : "mock",
        ...(name === "receiver" && values.proxy ? { upstream: values.proxy } : {}),
        port: ports[name],
        host,
        dynamic: Boolean(values.dynamic),
        ...(values.verbose ? { onOutput: (line: string) => io.stderr(`[${name}] ${line}`) } : {}),
      }).then((server) => ({ name, server })),
    ),
  );
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failures = started.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
  if (failures.length > 0) {
    await Promise.all(servers.map(({ server }) => server.stop()));
    for (const failure of failures)
      io.stderr(`meeting-webhooks mock: ${failure.message.split("\n").slice(0, 8).join("\n")}`);
    return 1;
  }
  for (const { name, server } of servers as { name: PrismDocument; server: PrismServer }[]) {
    const what =
      name === "receiver" && values.proxy ? `receiver contract, proxying to ${values.proxy}` : name;
    io.stdout(`${what}: ${server.url} (Prism ready in ${server.startupMs} ms)`);
    for (const route of server.routes) io.stdout(`  ${route}`);
  }
  io.stdout("Ready. Stop with Ctrl-C.");
  const signal = await stopping;
  await Promise.all(servers.map(({ server }) => server.stop()));
  io.stdout(`Stopped (${signal}).`);
  return 0;
}
