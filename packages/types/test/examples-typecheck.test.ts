// Every example payload of the contracts must type-check against its generated type, with excess-property checks
// on: a type that cannot hold a real example is a wrong type.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  listJsonFiles,
  loadWebhooks,
  providers,
  readJson,
  schemaPathForExample,
  specsDir,
} from "@meeting-webhooks/specs";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const virtualFile = join(packageDir, "test", "examples.virtual.ts");

interface Sample {
  name: string;
  typeExpression: string;
  value: unknown;
}

function samples(): Sample[] {
  const result: Sample[] = [];
  for (const provider of providers) {
    const ns = provider === "cronofy" ? "Cronofy" : "MeetingBaas";
    const webhooks = loadWebhooks(provider);
    for (const examplePath of listJsonFiles(provider, "examples")) {
      const schemaPath = schemaPathForExample(examplePath);
      const title = (readJson(join(specsDir, schemaPath)) as { title: string }).title;
      const webhook = webhooks.find((w) => w.schemaPath === schemaPath);
      const value = readJson(join(specsDir, examplePath));
      result.push({ name: examplePath, typeExpression: `${ns}.components["schemas"]["${title}"]`, value });
      if (webhook)
        result.push({
          name: `${examplePath} as PayloadOf`,
          typeExpression: `PayloadOf<"${webhook.event}">`,
          value,
        });
    }
  }
  return result;
}

/** Type-check the samples in one in-memory program; returns the diagnostics per sample name. */
function typecheck(list: Sample[]): Map<string, string[]> {
  const lines = ['import type { Cronofy, MeetingBaas, PayloadOf } from "../src/index.js";'];
  const lineOf: Array<{ start: number; name: string }> = [];
  list.forEach((sample, i) => {
    lineOf.push({ start: lines.length, name: sample.name });
    lines.push(
      `export const sample${i} = ${JSON.stringify(sample.value)} satisfies ${sample.typeExpression};`,
    );
  });
  const source = lines.join("\n");
  const config = ts.getParsedCommandLineOfConfigFile(
    join(packageDir, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error("cannot read tsconfig.json");
  const host = ts.createCompilerHost(config.options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === virtualFile
      ? ts.createSourceFile(fileName, source, languageVersion)
      : original(fileName, languageVersion, ...rest);
  const program = ts.createProgram([virtualFile], { ...config.options, noEmit: true }, host);
  const byName = new Map<string, string[]>(list.map((s) => [s.name, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const owner = [...lineOf].reverse().find((l) => l.start <= line)?.name ?? "(file)";
    const list = byName.get(owner) ?? [];
    list.push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    byName.set(owner, list);
  }
  return byName;
}

describe("the generated types", () => {
  it("accept every example file of both contracts", () => {
    const all = samples();
    expect(all.length).toBeGreaterThan(20);
    const failures = [...typecheck(all)].filter(([, messages]) => messages.length > 0);
    expect(failures).toEqual([]);
  });

  it("reject an example with a wrong field type (the check can fail)", () => {
    const [completed] = samples().filter(
      (s) => s.name === "meetingbaas/examples/bot.completed.json as PayloadOf",
    );
    if (!completed) throw new Error("bot.completed example missing");
    const broken = structuredClone(completed.value) as { data: { duration_seconds: unknown } };
    broken.data.duration_seconds = "2614";
    const diagnostics = typecheck([{ ...completed, value: broken }]).get(completed.name) ?? [];
    expect(diagnostics.join("\n")).toContain("Type 'string' is not assignable to type 'number'");
  });
});
