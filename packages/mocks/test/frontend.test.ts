// How a frontend (or backend) test uses the handlers: the module under test fetches real provider URLs, and MSW
// answers them from the contract. This is the README's example, kept honest by running it.
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { cronofy, meetingbaas } from "../src/index.js";
import { createProviderMocks } from "../src/msw/index.js";
import { cronofyTranscript, meetingBaasTranscript, render } from "./example/transcript-view.js";

const mocks = createProviderMocks();
const server = setupServer(...mocks.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it("renders a Cronofy transcript from the resource URL of a meeting_agent_complete callback", async () => {
  const callback = cronofy.meetingAgentComplete();
  const resource = callback.meeting_agent.resources.find((r) => r.category === "transcript");
  const text = render(await cronofyTranscript(resource?.url as string, "test-api-key"));
  expect(text.split("\n")[0]).toMatch(/^[A-Z][a-zé]+ [A-Z][a-z]+: \S/);
});

it("renders an empty transcript", async () => {
  server.use(mocks.cronofy.transcript({ transcript: { paragraphs: [] } }));
  const resource = cronofy.meetingAgentComplete().meeting_agent.resources[1];
  expect(render(await cronofyTranscript(resource?.url as string, "test-api-key"))).toBe("(nothing was said)");
});

it("renders a Meeting BaaS transcription from the signed URL of bot.completed", async () => {
  const completed = meetingbaas.botCompleted();
  const lines = await meetingBaasTranscript(completed.data.transcription as string);
  expect(new Set(lines.map((l) => l.speaker))).toEqual(new Set(completed.data.speakers.map((s) => s.name)));
});

it("says so when the signed URL has expired", async () => {
  server.use(...mocks.meetingbaas.expired());
  const completed = meetingbaas.botCompleted();
  await expect(meetingBaasTranscript(completed.data.transcription as string)).rejects.toThrow(/expired/);
});

it("says so when the provider is down", async () => {
  server.use(mocks.cronofy.resource.fail(502));
  const resource = cronofy.meetingAgentComplete().meeting_agent.resources[1];
  await expect(cronofyTranscript(resource?.url as string, "k")).rejects.toThrow(/502/);
});
