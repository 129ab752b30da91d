// What every mocked route can do instead of answering normally: an HTTP error, a network error, or never answering.
import { problemOf } from "@meeting-webhooks/receive/problem";
import { delay, HttpResponse } from "msw";

/** An HTTP status to answer with, `"network"` for a network error, or `"timeout"` for a request that never ends. */
export type Failure = number | "network" | "timeout";

export async function failureResponse(failure: Failure): Promise<Response> {
  if (failure === "network") return HttpResponse.error();
  if (failure === "timeout") {
    await delay("infinite");
    return HttpResponse.error();
  }
  const problem = problemOf(
    failure,
    failure >= 500 ? "mocked_server_error" : "mocked_client_error",
    "Answered by a @meeting-webhooks/mocks failure scenario.",
  );
  return new HttpResponse(problem.body, { status: problem.status, headers: problem.headers });
}

/** The object-storage error document for a refused presigned URL. */
export function storageError(
  message: "Request has expired" | "Access Denied",
  details: Record<string, string> = {},
): Response {
  const extra = Object.entries(details)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join("");
  return HttpResponse.xml(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message}</Message>${extra}<RequestId>${requestId()}</RequestId></Error>`,
    { status: 403, headers: { "content-type": "application/xml" } },
  );
}

function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}
