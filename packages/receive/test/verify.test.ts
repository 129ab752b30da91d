// Every verification failure code, rotation, and header lists with junk, for the three schemes.
import { describe, expect, it } from "vitest";
import {
  type VerifyFailureCode,
  type VerifyResult,
  verifyCronofySignature,
  verifyMeetingBaasCallback,
  verifyStandardWebhook,
} from "../src/verify.js";
import {
  callbackSecret,
  cronofySecret,
  cronofySignature,
  example,
  fixedNow,
  svixHeaders,
  webhookSecret,
} from "./signing.js";

function expectFailure(result: VerifyResult, code: VerifyFailureCode, message?: RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  if (message) expect(result.message).toMatch(message);
}

const body = example("cronofy/examples/meeting_agent_complete.json");

describe("Cronofy-HMAC-SHA256", () => {
  const signature = cronofySignature(body);

  it("accepts the HMAC of the raw body, with any header-name case and a fetch Headers object", () => {
    expect(
      verifyCronofySignature({ body, headers: { "cronofy-hmac-sha256": signature }, secrets: cronofySecret }),
    ).toEqual({
      ok: true,
      secretIndex: 0,
    });
    const headers = new Headers({ "Cronofy-HMAC-SHA256": signature });
    expect(
      verifyCronofySignature({ body: body.toString("utf8"), headers, secrets: [cronofySecret] }).ok,
    ).toBe(true);
  });

  it("rotation: two configured secrets, header with one HMAC per active secret", () => {
    const old = "cronofy-old-secret";
    const header = `${cronofySignature(body, old)},${signature}`;
    expect(
      verifyCronofySignature({
        body,
        headers: { "Cronofy-HMAC-SHA256": header },
        secrets: [old, cronofySecret],
      }),
    ).toEqual({
      ok: true,
      secretIndex: 0,
    });
    // Only the new secret configured here; the list still matches through its second entry.
    expect(
      verifyCronofySignature({ body, headers: { "Cronofy-HMAC-SHA256": header }, secrets: cronofySecret }),
    ).toEqual({
      ok: true,
      secretIndex: 0,
    });
    // Only the old HMAC sent; the new secret is listed second in the configuration.
    expect(
      verifyCronofySignature({
        body,
        headers: { "Cronofy-HMAC-SHA256": cronofySignature(body, old) },
        secrets: [cronofySecret, old],
      }),
    ).toEqual({ ok: true, secretIndex: 1 });
  });

  it("skips junk entries in the list and still matches the real one", () => {
    const header = ` not-base64 ,, ${"A".repeat(43)}= , ${signature} ,garbage`;
    expect(
      verifyCronofySignature({ body, headers: { "Cronofy-HMAC-SHA256": header }, secrets: cronofySecret }).ok,
    ).toBe(true);
  });

  it("no_secret_configured", () => {
    expectFailure(
      verifyCronofySignature({ body, headers: { "Cronofy-HMAC-SHA256": signature }, secrets: [] }),
      "no_secret_configured",
    );
    expectFailure(
      verifyCronofySignature({ body, headers: { "Cronofy-HMAC-SHA256": signature }, secrets: "" }),
      "no_secret_configured",
    );
  });

  it("missing_signature", () => {
    expectFailure(
      verifyCronofySignature({ body, headers: {}, secrets: cronofySecret }),
      "missing_signature",
      /Cronofy-HMAC-SHA256/,
    );
  });

  it("malformed_signature when no entry could be an HMAC", () => {
    expectFailure(
      verifyCronofySignature({
        body,
        headers: { "Cronofy-HMAC-SHA256": "sha256=abc, xyz" },
        secrets: cronofySecret,
      }),
      "malformed_signature",
    );
  });

  it("signature_mismatch names the usual causes, and a secret with whitespace by number", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expectFailure(
      verifyCronofySignature({
        body: reserialised,
        headers: { "Cronofy-HMAC-SHA256": signature },
        secrets: cronofySecret,
      }),
      "signature_mismatch",
      /re-serialised/,
    );
    expectFailure(
      verifyCronofySignature({
        body,
        headers: { "Cronofy-HMAC-SHA256": signature },
        secrets: ["other", `${cronofySecret}\n`],
      }),
      "signature_mismatch",
      /secret #2 has leading or trailing whitespace/,
    );
  });
});

describe("x-mb-secret", () => {
  it("accepts the configured secret and reports which one matched", () => {
    expect(
      verifyMeetingBaasCallback({
        headers: { "x-mb-secret": callbackSecret },
        secrets: ["old", callbackSecret],
      }),
    ).toEqual({
      ok: true,
      secretIndex: 1,
    });
  });

  it("no_secret_configured, missing_signature, signature_mismatch", () => {
    expectFailure(
      verifyMeetingBaasCallback({ headers: { "x-mb-secret": "x" }, secrets: undefined }),
      "no_secret_configured",
    );
    expectFailure(verifyMeetingBaasCallback({ headers: {}, secrets: callbackSecret }), "missing_signature");
    expectFailure(
      verifyMeetingBaasCallback({
        headers: { "x-mb-secret": `${callbackSecret}x` },
        secrets: callbackSecret,
      }),
      "signature_mismatch",
      /another secret/,
    );
    expectFailure(
      verifyMeetingBaasCallback({
        headers: { "x-mb-secret": callbackSecret },
        secrets: ` ${callbackSecret}`,
      }),
      "signature_mismatch",
      /whitespace/,
    );
  });
});

describe("Svix (Standard Webhooks)", () => {
  const mb = example("meetingbaas/examples/bot.status_change.json");
  const headers = svixHeaders(mb);
  const now = () => fixedNow;

  it("accepts a delivery signed by the reference library, with svix-* or webhook-* header names", () => {
    expect(verifyStandardWebhook({ body: mb, headers, secrets: webhookSecret, now })).toEqual({
      ok: true,
      secretIndex: 0,
    });
    const unbranded = {
      "webhook-id": headers["svix-id"] as string,
      "webhook-timestamp": headers["svix-timestamp"] as string,
      "webhook-signature": headers["svix-signature"] as string,
    };
    expect(verifyStandardWebhook({ body: mb, headers: unbranded, secrets: webhookSecret, now }).ok).toBe(
      true,
    );
  });

  it("rotation: a second secret, and several space-separated signatures with junk", () => {
    const other = `whsec_${Buffer.from("another key for rotation").toString("base64")}`;
    expect(verifyStandardWebhook({ body: mb, headers, secrets: [other, webhookSecret], now })).toEqual({
      ok: true,
      secretIndex: 1,
    });
    const withJunk = {
      ...headers,
      "svix-signature": `v2,abc v1,${"B".repeat(43)}= v1a,xyz ${headers["svix-signature"]} v1,short`,
    };
    expect(verifyStandardWebhook({ body: mb, headers: withJunk, secrets: webhookSecret, now }).ok).toBe(true);
  });

  it("tolerance: 5 minutes by default, configurable, with the injected clock", () => {
    const at = (seconds: number) => () => fixedNow + seconds * 1000;
    expect(verifyStandardWebhook({ body: mb, headers, secrets: webhookSecret, now: at(300) }).ok).toBe(true);
    expectFailure(
      verifyStandardWebhook({ body: mb, headers, secrets: webhookSecret, now: at(301) }),
      "timestamp_out_of_tolerance",
      /301 s in the past/,
    );
    expectFailure(
      verifyStandardWebhook({ body: mb, headers, secrets: webhookSecret, now: at(-301) }),
      "timestamp_out_of_tolerance",
      /in the future/,
    );
    expect(
      verifyStandardWebhook({
        body: mb,
        headers,
        secrets: webhookSecret,
        now: at(3600),
        toleranceSeconds: 3600,
      }).ok,
    ).toBe(true);
  });

  it("no_secret_configured and invalid_secret", () => {
    expectFailure(verifyStandardWebhook({ body: mb, headers, secrets: [], now }), "no_secret_configured");
    expectFailure(
      verifyStandardWebhook({ body: mb, headers, secrets: "whsec_not base64!", now }),
      "invalid_secret",
      /whsec_/,
    );
  });

  it("missing_signature and missing_header", () => {
    const { "svix-signature": _s, ...noSignature } = headers;
    expectFailure(
      verifyStandardWebhook({ body: mb, headers: noSignature, secrets: webhookSecret, now }),
      "missing_signature",
    );
    const { "svix-id": _i, ...noId } = headers;
    expectFailure(
      verifyStandardWebhook({ body: mb, headers: noId, secrets: webhookSecret, now }),
      "missing_header",
      /svix-id/,
    );
    const { "svix-timestamp": _t, ...noTimestamp } = headers;
    expectFailure(
      verifyStandardWebhook({ body: mb, headers: noTimestamp, secrets: webhookSecret, now }),
      "missing_header",
      /svix-timestamp/,
    );
  });

  it("malformed_timestamp and malformed_signature", () => {
    for (const timestamp of ["1795536000.5", "2026-11-24T16:00:00Z", "-5", "01795536000"]) {
      expectFailure(
        verifyStandardWebhook({
          body: mb,
          headers: { ...headers, "svix-timestamp": timestamp },
          secrets: webhookSecret,
          now,
        }),
        "malformed_timestamp",
      );
    }
    expectFailure(
      verifyStandardWebhook({
        body: mb,
        headers: { ...headers, "svix-signature": "sha256=deadbeef" },
        secrets: webhookSecret,
        now,
      }),
      "malformed_signature",
    );
  });

  it("signature_mismatch for another id, another timestamp, another body or another secret", () => {
    const ts = Number(headers["svix-timestamp"]);
    const cases = [
      { body: mb, headers: { ...headers, "svix-id": "msg_other" }, secrets: webhookSecret },
      { body: mb, headers: { ...headers, "svix-timestamp": String(ts + 1) }, secrets: webhookSecret },
      { body: Buffer.concat([mb, Buffer.from(" ")]), headers, secrets: webhookSecret },
      { body: mb, headers, secrets: `whsec_${Buffer.from("wrong").toString("base64")}` },
    ];
    for (const c of cases)
      expectFailure(verifyStandardWebhook({ ...c, now }), "signature_mismatch", /Usual causes/);
  });
});
