// Generates the payload types of each provider contract with openapi-typescript. Open lists (`anyOf` of a string
// enum and a plain string) become `"known" | (string & {})`, so known values autocomplete and new ones type-check.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  bundleDocument,
  bundleOpenApi,
  type GeneratedFile,
  generatedHeader,
  openListValues,
  type Provider,
  providers,
  runGenerator,
  specsDir,
} from "@meeting-webhooks/specs";
import openapiTS, { astToString, type SchemaObject } from "openapi-typescript";
import ts from "typescript";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function openListType(values: string[], nullable: boolean): ts.TypeNode {
  const f = ts.factory;
  const members: ts.TypeNode[] = values.map((v) => f.createLiteralTypeNode(f.createStringLiteral(v)));
  members.push(
    f.createIntersectionTypeNode([
      f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword),
      f.createTypeLiteralNode([]),
    ]),
  );
  if (nullable) members.push(f.createLiteralTypeNode(f.createNull()));
  return f.createUnionTypeNode(members);
}

/** `cronofy`, `meetingbaas`, or `receiver` (the sample receiver's own contract, specs/receiver/openapi.yaml). */
export type Contract = Provider | "receiver";

export async function generateTypes(provider: Contract): Promise<string> {
  const bundled =
    provider === "receiver"
      ? bundleDocument(join(specsDir, "receiver", "openapi.yaml"))
      : bundleOpenApi(provider);
  const ast = await openapiTS(bundled as never, {
    rootTypes: true,
    emptyObjectsUnknown: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
    transform(schema: SchemaObject) {
      const open = openListValues(schema as unknown as Record<string, unknown>);
      return open ? openListType(open.values, open.nullable) : undefined;
    },
  });
  const header = generatedHeader("npm run generate -w @meeting-webhooks/types", [
    `specs/${provider}/openapi.yaml`,
  ]);
  return `${header}${astToString(ast)}`;
}

export async function generatedTypeFiles(): Promise<GeneratedFile[]> {
  return Promise.all(
    [...providers, "receiver" as const].map(async (provider) => ({
      path: join(packageDir, "src", `${provider}.gen.ts`),
      contents: await generateTypes(provider),
    })),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runGenerator("generate-types", packageDir, await generatedTypeFiles());
}
