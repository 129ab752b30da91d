// What the receiver writes to its logs, and what it never does: a request is logged as its method, its path (no
// query string: a token may ride there) and the remote address; an answer as its status. Never a body, a header
// (x-mb-secret, signatures, Authorization, cookies all authenticate), or an error's message (parsers quote the
// body in theirs). test/logs.test.ts searches everything the receiver logs for secrets, signatures, a token and a
// transcript line.
import { type FastifyServerOptions, LogController } from "fastify";

/** Where logs go: Fastify's request log and the receiver's own lines (a file, a test's capture); stdout by default. */
export interface LogDestination {
  write(line: string): unknown;
}

interface LoggedRequest {
  method: string;
  url: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** A request as the log shows it: method, path without its query, remote address. */
export function requestForLog(request: LoggedRequest): {
  method: string;
  path: string;
  remoteAddress?: string;
} {
  const at = request.url.indexOf("?");
  const remoteAddress = request.ip ?? request.socket?.remoteAddress;
  return {
    method: request.method,
    path: at === -1 ? request.url : request.url.slice(0, at),
    ...(remoteAddress ? { remoteAddress } : {}),
  };
}

/** An error as the log shows it: its kind and code, never its message (it may quote what was received). */
export function errorForLog(error: {
  name?: string;
  code?: unknown;
  statusCode?: unknown;
}): Record<string, unknown> {
  return {
    type: error.name ?? "Error",
    ...(typeof error.code === "string" ? { code: error.code } : {}),
    ...(typeof error.statusCode === "number" ? { statusCode: error.statusCode } : {}),
  };
}

/**
 * Fastify's logger options: off unless requests are logged (LOG_REQUESTS=1) or a destination is given, and then
 * with the redacting serializers above.
 */
export function fastifyLoggerOf(
  logRequests: boolean,
  destination: LogDestination | undefined,
): Pick<FastifyServerOptions, "logger" | "logController"> {
  if (!logRequests && !destination) return { logger: false };
  return {
    logger: {
      level: "info",
      ...(destination ? { stream: destination } : {}),
      serializers: {
        req: (request: LoggedRequest) => requestForLog(request),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        // Fastify's types want pino's full error shape (message, stack); leaving those out is the point.
        err: errorForLog as never,
      },
    },
    // A destination without LOG_REQUESTS still gets the receiver's and Fastify's other lines, not one per request.
    logController: new LogController({ disableRequestLogging: !logRequests }),
  };
}

/** The receiver's own log lines to a destination, one line each. */
export function lineLog(destination: LogDestination): (message: string) => void {
  return (message) => {
    destination.write(`[receiver] ${message}\n`);
  };
}
