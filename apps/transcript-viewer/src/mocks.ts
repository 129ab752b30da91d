// The provider mocks in the browser: the service worker (public/mockServiceWorker.js) answers Cronofy's and Meeting
// BaaS's URLs from the contracts. Loaded only in `--mode mock` (dev server and tests), never in a production build.
import { createProviderMocks } from "@meeting-webhooks/mocks/msw";
import { setupWorker } from "msw/browser";

/** Scenarios a page can ask for with `?scenario=`: the happy path by default. */
export type Scenario = "expired" | "cronofy-down" | undefined;

export async function startProviderMocks(scenario: Scenario): Promise<void> {
  const mocks = createProviderMocks();
  const worker = setupWorker(...mocks.handlers);
  if (scenario === "expired") worker.use(...mocks.meetingbaas.expired());
  if (scenario === "cronofy-down") worker.use(mocks.cronofy.resource.fail(502));
  await worker.start({ onUnhandledRequest: "error", quiet: true });
}
