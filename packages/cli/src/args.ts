// Argument parsing shared by every command: node:util parseArgs, strict, with mistakes turned into usage errors.
import { type ParseArgsConfig, parseArgs } from "node:util";
import {
  type Channel,
  channels,
  isChannel,
  isProvider,
  orList,
  type Provider,
  providers,
} from "@meeting-webhooks/specs/providers";
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

type OptionTable = NonNullable<ParseArgsConfig["options"]>;

/** What `commandLine` hands to `parseArgs`, as a type, so that the parsed values are typed by the table. */
interface CommandLineConfig<T extends OptionTable> {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: { help: typeof helpOption } & T;
}

/**
 * A command's arguments, read with its option table: strict (an unknown option is a usage error), positionals
 * allowed, and `-h`/`--help` added to every command.
 */
export function commandLine<const T extends OptionTable>(
  argv: string[],
  options: T,
): ReturnType<typeof parseArgs<CommandLineConfig<T>>> {
  const config: CommandLineConfig<T> = {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { help: helpOption, ...options },
  };
  return parsing(() => parseArgs(config));
}

/** `--provider`'s value (the one list, `@meeting-webhooks/specs/providers`) as help texts write it: `<cronofy|meetingbaas>`. */
export const providerPlaceholder = `<${providers.join("|")}>`;
/** The providers as a sentence writes them: `cronofy or meetingbaas`. */
export const providerChoices = orList(providers);

export function providerOption(value: string | undefined): Provider {
  if (value === undefined) throw new UsageError(`--provider is required: ${providerChoices}.`);
  if (!isProvider(value)) throw new UsageError(`Unknown provider "${value}": expected ${providerChoices}.`);
  return value;
}

/** `--channel`: callback or webhook, or undefined when not given. */
export function channelOption(value: string | undefined): Channel | undefined {
  if (value !== undefined && !isChannel(value))
    throw new UsageError(`Unknown channel "${value}": expected ${orList(channels)}.`);
  return value;
}

/** `--method` of Meeting BaaS callbacks (`callback_config.method`): POST or PUT, any case; undefined when not given. */
export function methodOption(value: string | undefined): "POST" | "PUT" | undefined {
  const method = value?.toUpperCase();
  if (method !== undefined && method !== "POST" && method !== "PUT")
    throw new UsageError(`--method must be POST or PUT, got ${JSON.stringify(value)}.`);
  return method;
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
