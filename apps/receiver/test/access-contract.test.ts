// The contract and the routes agree on access: an operation with `bearerAuth` in specs/receiver/openapi.yaml is a
// protected route (401 without a token when READ_API_TOKENS is set), one without it is on the public list.
import { join } from "node:path";
import { bundleDocument, specsDir } from "@meeting-webhooks/specs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { publicRoute } from "../src/plugins/access.js";
import { startReceiver } from "./support.js";

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

const document = bundleDocument(join(specsDir, "receiver", "openapi.yaml")) as unknown as {
  paths: Record<string, Record<string, Operation>>;
  security?: Record<string, string[]>[];
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    path,
    method: method.toUpperCase(),
    operation,
    // Fastify's pattern for the OpenAPI path template.
    pattern: path.replace(/\{(\w+)\}/g, ":$1"),
    bearer: (operation.security ?? document.security ?? []).some(
      (requirement) => "bearerAuth" in requirement,
    ),
  })),
);

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(
    { env: { READ_API_TOKENS: `contract-read-token-${"t".repeat(32)}` } },
    { process: false },
  );
});
afterAll(() => receiver?.close());

describe("the contract's security and the receiver's routes", () => {
  it("names the read API, erasure and metrics operations as protected", () => {
    expect(
      operations
        .filter((o) => o.bearer)
        .map((o) => o.operation.operationId)
        .sort(),
    ).toEqual(
      ["deleteMeeting", "getDrift", "getMeeting", "getMetrics", "listDeliveries", "listMeetings"].sort(),
    );
  });

  it.each(operations.map((o) => [`${o.method} ${o.path}`, o] as const))(
    "%s: bearerAuth in the contract exactly when the route is not public",
    (_name, { pattern, bearer }) => {
      expect(publicRoute(pattern)).toBe(!bearer);
    },
  );

  it.each(operations.filter((o) => o.bearer).map((o) => [`${o.method} ${o.path}`, o] as const))(
    "%s answers 401 without a token, and documents 401 and 429",
    async (_name, { method, path, operation }) => {
      const response = await receiver.app.inject({
        method: method as "GET",
        url: path.replace(/\{\w+\}/g, "1"),
      });
      expect(response.statusCode).toBe(401);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["401", "429"]));
    },
  );
});
