// `npm start -w @meeting-webhooks/receiver`: the receiver from environment variables (see the README).
import { buildReceiver } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { providerModules } from "./providers/index.js";

const log = (message: string) => console.log(`[receiver] ${message}`);

function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`[receiver] configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  exitOnConfigError(error);
}

if (process.env.MOCK_PROVIDERS === "msw") {
  // Development: answer the provider downloads (resources, signed URLs) with the MSW mocks generated from the
  // contracts, in-process, so a completed meeting gets its transcript without any network; a download key the
  // mocks accept stands in for one that is unset.
  const { setupServer } = await import("msw/node");
  const { createProviderMocks } = await import("@meeting-webhooks/mocks/msw");
  setupServer(...createProviderMocks().handlers).listen({ onUnhandledRequest: "bypass" });
  const variables = { ...config.variables };
  for (const variable of Object.values(providerModules).flatMap((module) => module.variables))
    if (variable.mock !== undefined && variables[variable.name]?.length === 0)
      variables[variable.name] = [variable.mock];
  config = { ...config, variables };
  log("MOCK_PROVIDERS=msw: provider downloads are answered by the MSW mocks in-process");
}
const receiver = await buildReceiver(config, { log }).catch(exitOnConfigError);
const url = await receiver.app.listen({ port: config.port, host: config.host });
const database = config.databaseUrl
  ? `PostgreSQL schema ${config.databaseSchema}, synchronous_commit=on, group commit`
  : `SQLite ${config.databasePath}, WAL, synchronous=FULL, group commit`;
log(`${config.role} ${config.processName} listening on ${url} (${database})`);
if (config.role !== "worker") log(`dashboard ${url}/  ·  API ${url}/api/meetings  ·  docs ${url}/docs/`);
if (config.development) {
  log(
    "DEVELOPMENT MODE: no secrets configured, using the well-known development secrets (never in production):",
  );
  // Names only: logs never hold a secret, even a well-known one (its value is `devSecrets` of the mocks).
  for (const module of Object.values(providerModules))
    for (const variable of module.variables)
      if (variable.development !== undefined && config.variables[variable.name]?.[0] === variable.development)
        log(`  ${variable.name}: the development value (devSecrets of @meeting-webhooks/mocks)`);
}
if (process.send) process.send({ ready: url });

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    log(`${signal}: finishing in-flight deliveries and closing`);
    receiver.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
