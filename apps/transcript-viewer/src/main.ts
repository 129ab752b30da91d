// The page: `?cronofy=<resource URL>&key=<API key>` or `?meetingbaas=<signed transcription URL>` shows that
// meeting's transcript, one line per speaker turn, or says what went wrong.
import { cronofyTranscript, type Line, meetingBaasTranscript } from "./transcript.js";

const params = new URL(location.href).searchParams;
const status = document.querySelector("#status") as HTMLElement;
const problem = document.querySelector("#problem") as HTMLElement;
const list = document.querySelector("#lines") as HTMLOListElement;

function load(): Promise<Line[]> {
  const cronofy = params.get("cronofy");
  if (cronofy) return cronofyTranscript(cronofy, params.get("key") ?? "");
  const meetingbaas = params.get("meetingbaas");
  if (meetingbaas) return meetingBaasTranscript(meetingbaas);
  return Promise.reject(
    new Error("Open this page with ?cronofy=<resource URL>&key=… or ?meetingbaas=<signed URL>."),
  );
}

function show(lines: Line[]): void {
  for (const { speaker, text } of lines) {
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = speaker;
    item.append(who, `: ${text}`);
    list.append(item);
  }
  status.textContent = lines.length === 0 ? "Nothing was said." : `${lines.length} turns.`;
}

if (import.meta.env.MODE === "mock") {
  const { startProviderMocks } = await import("./mocks.js");
  await startProviderMocks((params.get("scenario") ?? undefined) as Parameters<typeof startProviderMocks>[0]);
}
try {
  show(await load());
} catch (error) {
  status.textContent = "No transcript.";
  problem.textContent = (error as Error).message;
  problem.hidden = false;
}
