// The CLI as a user runs it: a process, its exit code, stdout and stderr.
import { execFile, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { specsDir } from "@meeting-webhooks/specs";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { bin, runCli } from "./support.js";

const cli = runCli;

const tmpDir = makeTempDir("meeting-webhooks-cli-");
afterAll(() => tmpDir.remove());
const tmp = tmpDir.path;
function file(name: string, contents: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, contents);
  return path;
}
const examplePath = (path: string) => join(specsDir, path);

describe("help and usage", () => {
  it("--help on the command and every subcommand, with examples", async () => {
    const main = await cli(["--help"]);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/validate.*\n.*verify.*\n.*diff.*\n.*send.*\n.*mock.*\n.*conformance/s);
    for (const command of [
      "validate",
      "verify",
      "diff",
      "drift",
      "upstream",
      "send",
      "mock",
      "conformance",
    ]) {
      const help = await cli([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: meeting-webhooks/);
      expect(help.stdout).toMatch(/Examples:/);
      expect(help.stdout).toMatch(/Exit codes/);
    }
  });

  it("usage errors exit 2 on stderr with a pointer to --help", async () => {
    const cases = [
      [],
      ["frobnicate"],
      ["validate", "--provider", "zoom", "x.json"],
      ["validate", "--provider", "cronofy"],
      ["validate", "--provider", "cronofy", "--colour", "x.json"],
      ["validate", "--provider", "cronofy", join(tmp, "missing.json")],
      ["verify", "--provider", "cronofy", "--header", "no colon", "--secret", "s", "x.json"],
      ["verify", "--provider", "cronofy", "x.json"],
      ["diff", "openapi.yaml"],
      ["diff", "git:main", "openapi.yaml"],
    ];
    for (const args of cases) {
      const outcome = await cli(args);
      expect(outcome.code, args.join(" ")).toBe(2);
      expect(outcome.stderr.length, args.join(" ")).toBeGreaterThan(0);
    }
    expect((await cli(["validate", "--provider", "cronofy", join(tmp, "missing.json")])).stderr).toMatch(
      /No such file/,
    );
  });
});

describe("validate", () => {
  it("exit 0 for a valid payload, naming the detected event", async () => {
    const outcome = await cli([
      "validate",
      "--provider",
      "cronofy",
      examplePath("cronofy/examples/meeting_agent_complete.json"),
    ]);
    expect(outcome).toMatchObject({ code: 0 });
    expect(outcome.stdout).toMatch(/^valid: cronofy callback meeting_agent_complete/);
  });

  it("exit 1 with pointer, message and expected for each error; --json is machine-readable", async () => {
    const payload = JSON.parse(readFileSync(examplePath("meetingbaas/examples/bot.completed.json"), "utf8"));
    delete payload.data.sent_at;
    payload.data.duration_seconds = "1620";
    const path = file("broken.json", JSON.stringify(payload));
    const text = await cli(["validate", "--provider", "meetingbaas", path]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/\/data\/sent_at .*expected: property "sent_at"/);
    expect(text.stderr).toMatch(/\/data\/duration_seconds .*expected: integer/);
    const json = await cli(["validate", "--provider", "meetingbaas", "--json", path]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, valid: false, event: "bot.completed", channel: "webhook" });
    expect(report.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/data/duration_seconds",
      "/data/sent_at",
    ]);
  });

  it("reads standard input with -", async () => {
    const input = readFileSync(examplePath("meetingbaas/examples/bot.failed.json"), "utf8");
    const outcome = await cli(["validate", "--provider", "meetingbaas", "--channel", "callback", "-"], {
      input,
    });
    expect(outcome).toMatchObject({ code: 0 });
    expect(outcome.stdout).toMatch(/meetingbaas callback bot.failed/);
  });

  it("drift passes by default and fails with --strict; unknown events too", async () => {
    const drifted = examplePath("cronofy/examples/meeting_agent_failed--unknown-subtype.json");
    const lenient = await cli(["validate", "--provider", "cronofy", drifted]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/drift: 1 item/);
    const strict = await cli(["validate", "--provider", "cronofy", "--strict", drifted]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/subtype/);
    const unknown = file(
      "unknown.json",
      JSON.stringify({ event: "bot.transcript_ready", data: {}, extra: null }),
    );
    const unknownLenient = await cli(["validate", "--provider", "meetingbaas", unknown]);
    expect(unknownLenient.code).toBe(0);
    expect(unknownLenient.stdout).toMatch(/does not know yet; only its envelope was checked/);
    expect(unknownLenient.stdout).toMatch(/\/event .*unknown event "bot.transcript_ready"/);
    expect((await cli(["validate", "--provider", "meetingbaas", "--strict", unknown])).code).toBe(1);
  });

  it.each([
    ["meetingbaas", "{}", ["/data", "/event"]],
    ["meetingbaas", '{"event": 7, "data": {}}', ["/event"]],
    ["meetingbaas", "CRONOFY", ["/data", "/event"]],
    ["cronofy", "MEETINGBAAS", ["/meeting_agent", "/notification"]],
    ["cronofy", "INTERACTIONS_OBJECT", ["/notification/interactions"]],
    ["cronofy", "INTERACTIONS_EMPTY", ["/notification/interactions"]],
  ])(
    "%s: %s is not an unknown event but invalid at the envelope (exit 1, pointers)",
    async (provider, text, pointers) => {
      const cronofy = JSON.parse(
        readFileSync(examplePath("cronofy/examples/meeting_agent_activated.json"), "utf8"),
      );
      const bodies: Record<string, unknown> = {
        CRONOFY: cronofy,
        MEETINGBAAS: JSON.parse(readFileSync(examplePath("meetingbaas/examples/bot.failed.json"), "utf8")),
        INTERACTIONS_OBJECT: {
          ...cronofy,
          notification: { type: "event_subscription", interactions: { type: "x" } },
        },
        INTERACTIONS_EMPTY: { ...cronofy, notification: { type: "event_subscription", interactions: [] } },
      };
      const path = file(
        `envelope-${provider}-${pointers.join("").replace(/\W+/g, "_")}.json`,
        text in bodies ? JSON.stringify(bodies[text]) : text,
      );
      const plain = await cli(["validate", "--provider", provider, path]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(new RegExp(`^invalid: .* against the ${provider} \\w+ envelope`));
      const json = await cli(["validate", "--provider", provider, "--json", path]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ valid: false, known: false, stage: "envelope" });
      expect(report.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(pointers);
    },
  );

  it("a file that is not JSON is invalid (exit 1), not a crash", async () => {
    const outcome = await cli(["validate", "--provider", "cronofy", file("not.json", "{nope")]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/not JSON/);
  });
});

describe("verify", () => {
  const body = readFileSync(examplePath("cronofy/examples/meeting_agent_activated.json"));
  const bodyPath = file("cronofy-body.json", body);
  const signature = createHmac("sha256", "client-secret").update(body).digest("base64");

  it("Cronofy: exit 0 when any secret matches, 1 with the reason otherwise", async () => {
    const ok = await cli([
      "verify",
      "--provider",
      "cronofy",
      "--secret",
      "old",
      "--secret",
      "client-secret",
      "--header",
      `Cronofy-HMAC-SHA256: ${signature}`,
      bodyPath,
    ]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/authentic: .*secret #2/);
    const bad = await cli([
      "verify",
      "--provider",
      "cronofy",
      "--secret",
      "wrong",
      "--header",
      `Cronofy-HMAC-SHA256: ${signature}`,
      bodyPath,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not authentic \(signature_mismatch\).*re-serialised/);
  });

  it("secrets from MEETING_WEBHOOKS_SECRETS; --json output", async () => {
    const outcome = await cli(
      [
        "verify",
        "--provider",
        "cronofy",
        "--json",
        "--header",
        `Cronofy-HMAC-SHA256: ${signature}`,
        bodyPath,
      ],
      {
        env: { MEETING_WEBHOOKS_SECRETS: "a,client-secret" },
      },
    );
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toEqual({
      provider: "cronofy",
      scheme: "Cronofy-HMAC-SHA256",
      ok: true,
      secretIndex: 1,
    });
  });

  it("Meeting BaaS: the scheme comes from the headers (x-mb-secret or svix-*), with --now for captures", async () => {
    const mb = readFileSync(examplePath("meetingbaas/examples/bot.status_change.json"));
    const mbPath = file("mb.json", mb);
    const key = Buffer.from("a signing key for the cli test");
    const secret = `whsec_${key.toString("base64")}`;
    const timestamp = 1795536000;
    const sig = createHmac("sha256", key).update(`msg_cli.${timestamp}.`).update(mb).digest("base64");
    const headers = [
      "--header",
      "svix-id: msg_cli",
      "--header",
      `svix-timestamp: ${timestamp}`,
      "--header",
      `svix-signature: v1,${sig}`,
    ];
    const stale = await cli(["verify", "--provider", "meetingbaas", "--secret", secret, ...headers, mbPath]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/timestamp_out_of_tolerance/);
    const asOf = await cli([
      "verify",
      "--provider",
      "meetingbaas",
      "--secret",
      secret,
      "--now",
      String(timestamp + 60),
      ...headers,
      mbPath,
    ]);
    expect(asOf).toMatchObject({ code: 0 });
    expect(asOf.stdout).toMatch(/svix/);
    const callback = await cli([
      "verify",
      "--provider",
      "meetingbaas",
      "--secret",
      "cb",
      "--header",
      "x-mb-secret: cb",
      mbPath,
    ]);
    expect(callback.code).toBe(0);
    expect(callback.stdout).toMatch(/x-mb-secret/);
    const none = await cli(["verify", "--provider", "meetingbaas", "--secret", "cb", mbPath]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/missing_signature/);
  });
});

describe("diff", () => {
  /** A copy of the Meeting BaaS contract (document, schemas and the shared ones it references). */
  function contractCopy(root: string): string {
    mkdirSync(join(root, "meetingbaas"), { recursive: true });
    cpSync(examplePath("meetingbaas/openapi.yaml"), join(root, "meetingbaas/openapi.yaml"));
    cpSync(examplePath("meetingbaas/schemas"), join(root, "meetingbaas/schemas"), { recursive: true });
    cpSync(examplePath("common"), join(root, "common"), { recursive: true });
    return join(root, "meetingbaas/openapi.yaml");
  }
  function dropStatusCode(root: string, code: string): void {
    const path = join(root, "meetingbaas/schemas/common/bot-status-code.json");
    const schema = JSON.parse(readFileSync(path, "utf8"));
    schema.anyOf[0].enum = schema.anyOf[0].enum.filter((value: string) => value !== code);
    writeFileSync(path, JSON.stringify(schema, null, 2));
  }
  const real = examplePath("meetingbaas/openapi.yaml");

  it("exit 0 with a summary line for the same contract", async () => {
    const outcome = await cli(["diff", real, contractCopy(mkdtempSync(join(tmp, "same-")))]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(
      /^\*\*Meeting BaaS v2 callbacks and webhooks: no changes for receivers\*\*/,
    );
  });

  it("exit 1 for a breaking change: a Markdown heading per event, a table row per change; --json", async () => {
    const changed = mkdtempSync(join(tmp, "changed-"));
    const spec = contractCopy(changed);
    dropStatusCode(changed, "pickup_delayed");
    const text = await cli(["diff", real, spec]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^\*\*Meeting BaaS v2 callbacks and webhooks: 1 breaking, 0 safe in 1 of 13 events\*\*/,
    );
    expect(text.stdout).toMatch(/^## `webhook\/bot.status_change`: 1 breaking, 0 safe$/m);
    expect(text.stdout).toMatch(
      /^\| \*\*breaking\*\* \| `\/data\/status\/code` \| `open-list-value-removed` \| known value `"pickup_delayed"`/m,
    );
    const json = await cli(["diff", "--json", real, spec]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      breaking: 1,
      safe: 0,
      changes: [
        {
          event: "webhook/bot.status_change",
          in: "body",
          path: "/data/status/code",
          kind: "open-list-value-removed",
          severity: "breaking",
        },
      ],
    });
  });

  it("git:<ref>:<path> reads the contract and its schema files at that revision", async () => {
    const repo = mkdtempSync(join(tmp, "repo-"));
    const git = (...args: string[]) =>
      execFileSync(
        "git",
        ["-c", "user.name=CLI", "-c", "user.email=cli@example.com", "-c", "commit.gpgsign=false", ...args],
        {
          cwd: repo,
        },
      );
    git("init", "-q");
    contractCopy(join(repo, "specs"));
    git("add", ".");
    git("commit", "-q", "-m", "v1");
    dropStatusCode(join(repo, "specs"), "queued");
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [bin, "diff", ...args], { cwd: repo }).then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    const path = "specs/meetingbaas/openapi.yaml";
    expect(await run([`git:HEAD:${path}`, path])).toBe(1);
    git("commit", "-q", "-am", "v2");
    expect(await run([`git:HEAD:${path}`, path])).toBe(0);
    expect(await run([`git:HEAD~1:${path}`, `git:HEAD:${path}`])).toBe(1);
  });

  it("a contract that cannot be read exits 2 and says why", async () => {
    const missing = await cli(["diff", real, join(tmp, "nowhere/openapi.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No such file/);
    const notOpenApi = await cli(["diff", real, examplePath("meetingbaas/asyncapi.yaml")]);
    expect(notOpenApi.code).toBe(2);
    expect(notOpenApi.stderr).toMatch(/not an OpenAPI 3.1 document with webhooks/);
  });
});
