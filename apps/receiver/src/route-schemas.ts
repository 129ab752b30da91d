// The read API's request schemas come from its contract (specs/receiver/openapi.yaml), not from hand-written checks:
// each route's path and query parameters become Fastify's `params` and `querystring` schemas, so a bad query is a
// 400 problem naming the parameter, exactly as the contract says.
import { join } from "node:path";
import { readYaml, resolveLocal, specsDir } from "@meeting-webhooks/specs";

type Json = Record<string, unknown>;

let contract: Json | undefined;
function receiverContract(): Json {
  contract ??= readYaml(join(specsDir, "receiver", "openapi.yaml"));
  return contract;
}

/** The operation of the receiver's contract with this operationId. */
function operation(operationId: string): Json {
  for (const item of Object.values((receiverContract().paths ?? {}) as Record<string, Json>)) {
    for (const op of Object.values(item) as Json[]) {
      if (op && typeof op === "object" && op.operationId === operationId) return op;
    }
  }
  throw new Error(`specs/receiver/openapi.yaml has no operation ${operationId}`);
}

/** Fastify's `schema` for a route: its parameters by location, from the contract. */
export function routeSchema(operationId: string): { querystring?: Json; params?: Json } {
  const groups: Record<"query" | "path", Record<string, Json>> = { query: {}, path: {} };
  const required: Record<"query" | "path", string[]> = { query: [], path: [] };
  for (const raw of (operation(operationId).parameters ?? []) as unknown[]) {
    const parameter = resolveLocal(receiverContract(), raw);
    const where = parameter.in as string;
    if (where !== "query" && where !== "path") continue;
    groups[where][String(parameter.name)] = {
      ...(parameter.schema as Json),
      description: String(parameter.description ?? ""),
    };
    if (parameter.required === true) required[where].push(String(parameter.name));
  }
  const object = (where: "query" | "path") => ({
    type: "object",
    properties: groups[where],
    ...(required[where].length > 0 ? { required: required[where] } : {}),
  });
  return {
    ...(Object.keys(groups.query).length > 0 ? { querystring: object("query") } : {}),
    ...(Object.keys(groups.path).length > 0 ? { params: object("path") } : {}),
  };
}
