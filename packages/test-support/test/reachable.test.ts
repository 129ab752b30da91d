import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { reachable } from "../src/index.js";

describe("reachable", () => {
  it("is true for a port a server listens on", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      expect(await reachable("127.0.0.1", (server.address() as { port: number }).port)).toBe(true);
    } finally {
      server.close();
    }
  });

  it("is false for a port nothing listens on", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    expect(await reachable("127.0.0.1", port)).toBe(false);
  });
});
