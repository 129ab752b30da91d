import { describe, expect, it } from "vitest";
import { loopbackServerForTest } from "../src/index.js";

describe("loopbackServerForTest", () => {
  it("serves the handler on 127.0.0.1 at a free port", async () => {
    const base = await loopbackServerForTest((request, response) =>
      response.end(`you asked for ${request.url}`),
    );
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${base}/doc.json`)).text()).toBe("you asked for /doc.json");
  });

  // Two tests in order: the second checks what the end of the first left behind.
  let leftOpen = "";
  it("answers during the test that started it", async () => {
    leftOpen = await loopbackServerForTest((_request, response) => response.end("ok"));
    expect((await fetch(leftOpen)).ok).toBe(true);
  });

  it("no longer answers once that test has finished", async () => {
    await expect(fetch(leftOpen)).rejects.toThrow();
  });
});
