// What a command reads and writes, injectable so commands can be tested in-process as well as as a process.
import { readFile } from "node:fs/promises";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The bytes of a file, or of standard input for `-`. */
  read(path: string): Promise<Buffer>;
  env: Readonly<Record<string, string | undefined>>;
  /** Raw writes to stderr when it is a terminal (progress bars); absent otherwise. */
  terminal?: (text: string) => void;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  read: (path) => (path === "-" ? readStdin() : readFile(path)),
  env: process.env,
  ...(process.stderr.isTTY ? { terminal: (text: string) => void process.stderr.write(text) } : {}),
};

/** A mistake in how the command was called: exit code 2, with a pointer to `--help`. */
export class UsageError extends Error {}

/** The input could not be read: exit code 2 too, since nothing was checked. */
export async function readInput(io: Io, path: string): Promise<Buffer> {
  try {
    return await io.read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" ? `No such file: ${path}` : `Cannot read ${path}: ${(error as Error).message}`,
    );
  }
}
