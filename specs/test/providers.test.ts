import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { channelsOf, specsDir } from "../src/catalog.js";
import { channels, isChannel, isProvider, orList, providerInfo, providers } from "../src/providers.js";

describe("the provider list", () => {
  it("declares for each provider the channels its contract delivers on", () => {
    for (const provider of providers) {
      expect([...providerInfo[provider].channels].sort(), provider).toEqual([...channelsOf(provider)].sort());
    }
  });

  it("names, for each provider, a spec folder holding its three documents", () => {
    for (const provider of providers) {
      const folder = join(specsDir, providerInfo[provider].specFolder);
      for (const document of ["openapi.yaml", "asyncapi.yaml", "api.yaml"]) {
        expect(existsSync(join(folder, document)), `${folder}/${document}`).toBe(true);
      }
    }
  });

  it("lists every provider folder of specs/ (a folder with an openapi.yaml that is not the receiver's own API)", () => {
    const folders = readdirSync(specsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(specsDir, entry.name, "openapi.yaml")))
      .map((entry) => entry.name)
      .filter((name) => name !== "receiver");
    expect(folders.sort()).toEqual(providers.map((provider) => providerInfo[provider].specFolder).sort());
  });

  it("is the enum of every `provider` field of the receiver's own API (specs/receiver/schemas)", () => {
    const enums: unknown[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (const item of node) walk(item);
        return;
      }
      for (const [key, value] of Object.entries(node)) {
        const property = value as { enum?: unknown };
        if (key === "provider" && property && typeof property === "object" && "enum" in property) {
          enums.push(property.enum);
        }
        walk(value);
      }
    };
    const folder = join(specsDir, "receiver", "schemas");
    for (const file of readdirSync(folder).filter((name) => name.endsWith(".json"))) {
      walk(JSON.parse(readFileSync(join(folder, file), "utf8")));
    }
    expect(enums.length).toBeGreaterThan(0);
    for (const values of enums) expect(values).toEqual([...providers]);
  });

  it("keys each entry by its own id", () => {
    for (const provider of providers) expect(providerInfo[provider].id).toBe(provider);
  });

  it("tells providers and channels from other strings", () => {
    expect(providers.every(isProvider)).toBe(true);
    expect(channels.every(isChannel)).toBe(true);
    expect(isProvider("zoom")).toBe(false);
    expect(isProvider(undefined)).toBe(false);
    expect(isChannel("Callback")).toBe(false);
  });

  it("writes a list as usage messages do", () => {
    expect(orList(["cronofy"])).toBe("cronofy");
    expect(orList(["cronofy", "meetingbaas"])).toBe("cronofy or meetingbaas");
    expect(orList(["a", "b", "c"])).toBe("a, b or c");
  });

  it("imports nothing, so that the subpath loads neither Ajv nor the YAML parser", () => {
    const source = readFileSync(join(specsDir, "src", "providers.ts"), "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
  });
});
