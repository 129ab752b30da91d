// The PostgreSQL rule, without a PostgreSQL: TEST_DATABASE_URL wins, a failing check skips (or fails under CI) with
// what connecting said, and a proxy cuts connections and comes back on the same port.
import { createServer, connect as netConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { CuttableProxy, postgresOrSkip, RequirementMissingError } from "../src/index.js";

describe("postgresOrSkip", () => {
  it("returns TEST_DATABASE_URL when its check passes", async () => {
    const url = "postgres://u@db.invalid:5432/t";
    expect(await postgresOrSkip({ tests: "t", check: async () => {}, env: { TEST_DATABASE_URL: url } })).toBe(
      url,
    );
  });

  it("skips when the check fails, and fails under CI", async () => {
    const check = async () => {
      throw new Error("connection refused");
    };
    const env = { TEST_DATABASE_URL: "postgres://u@db.invalid:5432/t" };
    const lines: string[] = [];
    expect(
      await postgresOrSkip({ tests: "t", check, env, print: (line) => lines.push(line) }),
    ).toBeUndefined();
    expect(lines).toEqual([expect.stringContaining("Connecting said: connection refused")]);
    await expect(postgresOrSkip({ tests: "t", check, env: { ...env, CI: "true" } })).rejects.toThrow(
      RequirementMissingError,
    );
  });
});

describe("CuttableProxy", () => {
  it("passes bytes through, refuses connections once cut, and comes back on the same port", async () => {
    const echo = createServer((socket) => socket.pipe(socket)).listen(0, "127.0.0.1");
    await new Promise((resolve) => echo.once("listening", resolve));
    const proxy = new CuttableProxy("127.0.0.1", (echo.address() as { port: number }).port);
    await proxy.listen();
    const roundTrip = () =>
      new Promise<string>((resolve, reject) => {
        const socket = netConnect(proxy.port, "127.0.0.1", () => socket.write("ping"));
        socket.once("data", (data) => {
          socket.destroy();
          resolve(data.toString());
        });
        socket.once("error", reject);
      });
    try {
      expect(await roundTrip()).toBe("ping");
      const port = proxy.port;
      await proxy.cut();
      await expect(roundTrip()).rejects.toThrow();
      await proxy.restore();
      expect(proxy.port).toBe(port);
      expect(await roundTrip()).toBe("ping");
    } finally {
      await proxy.cut();
      echo.close();
    }
  });
});
