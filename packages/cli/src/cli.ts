// The `meeting-webhooks` command: one entry point, one subcommand per job, `--help` everywhere.
import { readFileSync } from "node:fs";
import { providerInfo, providers } from "@meeting-webhooks/specs/providers";
import { type Io, processIo, UsageError } from "./io.js";

export { type Io, UsageError } from "./io.js";

interface Command {
  summary: string;
  run(argv: string[], io: Io): Promise<number>;
}

// Each command is loaded when it runs: `validate` does not load the mocks, Prism or the diff engine.
export const commands: Record<string, Command> = {
  validate: {
    summary: "check a captured payload against the contract",
    run: async (argv, io) => (await import("./commands/validate.js")).validateCommand(argv, io),
  },
  verify: {
    summary: "check a delivery's signature with your secret(s)",
    run: async (argv, io) => (await import("./commands/verify.js")).verifyCommand(argv, io),
  },
  diff: {
    summary: "list a contract change's impact on receivers: breaking or safe",
    run: async (argv, io) => (await import("./commands/diff.js")).diffCommand(argv, io),
  },
  drift: {
    summary: "turn captured deliveries into a proposed, classified change of the contracts",
    run: async (argv, io) => (await import("./commands/drift.js")).driftCommand(argv, io),
  },
  upstream: {
    summary: "check the contract against the provider's own machine-readable document",
    run: async (argv, io) => (await import("./commands/upstream.js")).upstreamCommand(argv, io),
  },
  send: {
    summary: "send signed deliveries of any event to a receiver, like the provider would",
    run: async (argv, io) => (await import("./commands/send.js")).sendCommand(argv, io),
  },
  mock: {
    summary: "start Prism mock servers of the provider APIs and the receiver contract",
    run: async (argv, io) => (await import("./commands/mock.js")).mockCommand(argv, io),
  },
  conformance: {
    summary: "grade an endpoint against how the providers really deliver (table, JUnit, JSON), for CI",
    run: async (argv, io) => (await import("./commands/conformance.js")).conformanceCommand(argv, io),
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const products = providers.map((provider) => providerInfo[provider].product);
  const named =
    products.length > 1 ? `${products.slice(0, -1).join(", ")} and ${products.at(-1)}` : products.join("");
  return `meeting-webhooks: contracts, verification and mocks for ${named} webhooks.

Usage: meeting-webhooks <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
  .join("\n")}

Run "meeting-webhooks <command> --help" for a command's options and examples.
Options: -h, --help  this help;  --version  print the version.`;
}

/** Runs the command line and returns the exit code: 0 success, 1 a negative answer, 2 a usage error. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(mainHelp());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout(version());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`meeting-webhooks: unknown command "${name}".\n\n${mainHelp()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(
        `meeting-webhooks ${name}: ${error.message}\nRun "meeting-webhooks ${name} --help" for usage.`,
      );
      return 2;
    }
    throw error;
  }
}
