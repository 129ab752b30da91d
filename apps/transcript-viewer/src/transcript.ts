// Fetching a meeting's transcript from where the provider's webhook said it is, and the lines the page shows. Knows
// nothing about mocks: in tests msw/browser answers these very requests.

export interface Line {
  speaker: string;
  text: string;
}

/**
 * Cronofy: the `transcript/cronofy` resource URL of a `meeting_agent_complete` callback, read with the API key; the
 * `302` to a short-lived presigned URL is followed. (A real app keeps the API key on its server and proxies this.)
 */
export async function cronofyTranscript(resourceUrl: string, apiKey: string): Promise<Line[]> {
  const response = await fetch(resourceUrl, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!response.ok) throw new Error(`Transcript unavailable (${response.status}).`);
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

/** Meeting BaaS: the signed `transcription` URL of `bot.completed`, valid 4 hours; a 403 after that. */
export async function meetingBaasTranscript(signedUrl: string): Promise<Line[]> {
  const response = await fetch(signedUrl);
  if (response.status === 403) {
    throw new Error("The link has expired: ask Meeting BaaS to re-send the callback for fresh links.");
  }
  if (!response.ok) throw new Error(`Transcript unavailable (${response.status}).`);
  const body = (await response.json()) as { result: { utterances: { speaker: string; text: string }[] } };
  return body.result.utterances.map((u) => ({ speaker: u.speaker, text: u.text }));
}
