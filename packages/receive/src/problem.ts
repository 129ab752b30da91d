// RFC 9457 problem documents, the one builder of error answers across the project: the adapters, the sample
// receiver and the mocks. Free of Node built-ins, so the mocks' browser entry can use it (`/problem`).

/** An HTTP answer: status, headers and body, ready to write in any framework. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Titles that say more than the status does, by the problem's code. */
const codeTitles: Record<string, string> = {
  invalid_utf8: "Not a JSON object",
  invalid_json: "Not a JSON object",
  not_an_object: "Not a JSON object",
  envelope_mismatch: "Not a delivery of this provider",
  schema_mismatch: "Breaks the contract",
  handler_failed: "A handler failed",
};

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Not authentic",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "Body too large",
  415: "Unsupported media type",
  422: "Breaks the contract",
  429: "Too many requests",
  500: "Server error",
  503: "Not stored, try again",
};

/**
 * An RFC 9457 problem document, the one builder of error answers across the project (adapters, the sample receiver,
 * the mocks): `{type, title, status, detail, code}` plus any members given, e.g. `issues` with JSON pointers.
 */
export function problemOf(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Answer {
  return {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
    body: JSON.stringify({
      type: `https://meeting-webhooks.invalid/problems/${code}`,
      title: codeTitles[code] ?? titles[status] ?? "Refused",
      status,
      detail,
      code,
      ...extra,
    }),
  };
}
