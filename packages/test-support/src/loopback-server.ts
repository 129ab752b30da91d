// An HTTP server on the loopback interface for the length of one test: for code that fetches a URL (a provider's
// document, a receiver) without touching the network. Closed when the test finishes, passed or failed, with any
// kept-alive connection, so that nothing outlives the test.
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

/** Inside a vitest test: starts `handler` on 127.0.0.1 at a free port and returns its base URL (`http://127.0.0.1:…`). */
export async function loopbackServerForTest(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
