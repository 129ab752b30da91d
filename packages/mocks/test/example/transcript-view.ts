// An example module under test, as a frontend would have it: fetch a meeting's transcript from wherever the
// webhook said it is, and render it as text. It knows nothing about mocks.

export interface Line {
  speaker: string;
  text: string;
}

/** Cronofy: locate the transcript with the API key (the 302 is followed), then read its paragraphs. */
export async function cronofyTranscript(resourceUrl: string, apiKey: string): Promise<Line[]> {
  const response = await fetch(resourceUrl, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`Transcript unavailable (${response.status})`);
  const body = (await response.json()) as {
    transcript: {
      paragraphs: { speaker: { identifier: string; name?: string }; sentences: { text: string }[] }[];
    };
  };
  return body.transcript.paragraphs.map((p) => ({
    speaker: p.speaker.name ?? p.speaker.identifier,
    text: p.sentences.map((s) => s.text).join(" "),
  }));
}

/** Meeting BaaS: the signed `transcription` URL of bot.completed; a 403 means the URL expired. */
export async function meetingBaasTranscript(signedUrl: string): Promise<Line[]> {
  const response = await fetch(signedUrl);
  if (response.status === 403) throw new Error("The link has expired: ask for the recording to be re-sent.");
  if (!response.ok) throw new Error(`Transcript unavailable (${response.status})`);
  const body = (await response.json()) as { result: { utterances: { speaker: string; text: string }[] } };
  return body.result.utterances.map((u) => ({ speaker: u.speaker, text: u.text }));
}

export function render(lines: Line[]): string {
  return lines.length === 0 ? "(nothing was said)" : lines.map((l) => `${l.speaker}: ${l.text}`).join("\n");
}
