// The access settings: a public address without tokens is refused (exit 2 from main), short secrets are refused
// without printing them, and loopback stays zero-config.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isLoopback, readAccessConfig } from "../src/access/config.js";
import { ConfigError, loadConfig } from "../src/config.js";

const token = (n: number) => `read-token-${n}-${"x".repeat(32)}`;
const base = { DATABASE_PATH: ":memory:" };

describe("access configuration", () => {
  it("on loopback with no variables, access control is off and nothing else changes", () => {
    const { access } = loadConfig(base);
    expect(access).toMatchObject({
      tokens: [],
      sessionSecrets: [],
      secureCookies: false,
      disabledOnPurpose: false,
    });
  });

  it("splits READ_API_TOKENS on commas, for rotation", () => {
    const { access } = loadConfig({ ...base, READ_API_TOKENS: ` ${token(1)} , ${token(2)} ` });
    expect(access.tokens).toEqual([token(1), token(2)]);
  });

  it("refuses a token shorter than 32 characters, naming its place but never its value", () => {
    const load = () => loadConfig({ ...base, READ_API_TOKENS: `${token(1)},short-token` });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /^READ_API_TOKENS \(entry 2 of the comma-separated list\) is shorter than 32 characters/,
    );
    expect(load).not.toThrow(/short-token/);
  });

  it("refuses a short SESSION_SECRET", () => {
    expect(() => loadConfig({ ...base, READ_API_TOKENS: token(1), SESSION_SECRET: "s" })).toThrow(
      /^SESSION_SECRET \(entry 1/,
    );
  });

  it.each(["0.0.0.0", "::", "192.0.2.10", "receiver.example.invalid"])(
    "refuses HOST=%s without READ_API_TOKENS, naming both READ_API_TOKENS and READ_API_AUTH",
    (host) => {
      const load = () => loadConfig({ ...base, HOST: host });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/READ_API_TOKENS/);
      expect(load).toThrow(/READ_API_AUTH=off/);
    },
  );

  it("a public HOST with tokens sets Secure cookies", () => {
    const { access } = loadConfig({ ...base, HOST: "0.0.0.0", READ_API_TOKENS: token(1) });
    expect(access).toMatchObject({ tokens: [token(1)], secureCookies: true });
  });

  it("READ_API_AUTH=off on a public HOST starts without tokens, on purpose", () => {
    const { access } = loadConfig({ ...base, HOST: "0.0.0.0", READ_API_AUTH: "off" });
    expect(access).toMatchObject({ tokens: [], disabledOnPurpose: true });
  });

  it.each([
    [
      { READ_API_AUTH: "off", READ_API_TOKENS: token(1) },
      /READ_API_AUTH=off and READ_API_TOKENS are both set/,
    ],
    [{ READ_API_AUTH: "no" }, /READ_API_AUTH must be on or off/],
    [{ READ_API_AUTH: "on" }, /READ_API_AUTH=on needs READ_API_TOKENS/],
    [{ READ_API_TOKENS: token(1), READ_API_RATE_LIMIT: "0" }, /READ_API_RATE_LIMIT must be an integer ≥ 1/],
    [{ READ_API_TOKENS: token(1), AUTH_FAILURE_LIMIT: "ten" }, /AUTH_FAILURE_LIMIT must be an integer ≥ 1/],
  ])("%j is refused", (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it("reads the rate limits", () => {
    const access = readAccessConfig({ READ_API_RATE_LIMIT: "7", AUTH_FAILURE_LIMIT: "3" }, "127.0.0.1");
    expect(access).toMatchObject({
      readApiLimit: { max: 7, windowMs: 60_000 },
      failureLimit: { max: 3, windowMs: 900_000 },
    });
  });

  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.1", false],
    ["localhost.example.invalid", false],
  ])("isLoopback(%s) is %s", (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});

const main = resolve(import.meta.dirname, "..", "dist", "main.js");

describe.runIf(existsSync(main))("the built receiver on a public HOST without tokens", () => {
  it("exits 2 before opening anything, naming READ_API_TOKENS and READ_API_AUTH", async () => {
    const child = fork(main, [], {
      env: {
        ...process.env,
        HOST: "0.0.0.0",
        PORT: "0",
        DATABASE_PATH: ":memory:",
        READ_API_TOKENS: "",
        READ_API_AUTH: "",
      },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolveExit) => child.once("exit", resolveExit));
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /configuration error: HOST=0\.0\.0\.0 is not a loopback address and READ_API_TOKENS is unset/,
    );
    expect(stderr).toMatch(/READ_API_AUTH=off/);
  });
});
