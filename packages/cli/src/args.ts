// Argument parsing shared by every command: node:util parseArgs, strict, with mistakes turned into usage errors.
import type { Provider } from "@meeting-webhooks/types";
import { UsageError } from "./io.js";

/** Runs a `parseArgs` call, turning its mistakes (unknown option, missing value) into usage errors. */
export function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, "."));
  }
}

export const helpOption = { type: "boolean", short: "h" } as const;

export const providerNames = ["cronofy", "meetingbaas"] as const;

export function providerOption(value: string | undefined): Provider {
  if (value === undefined) throw new UsageError("--provider is required: cronofy or meetingbaas.");
  if (!(providerNames as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown provider "${value}": expected cronofy or meetingbaas.`);
  }
  return value as Provider;
}

export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `Give the ${what} (a file, or - for standard input).`
        : `Give one ${what}, not ${positionals.length}.`,
    );
  }
  return positionals[0] as string;
}
