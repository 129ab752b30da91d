// Where the docs read the contracts from. The site builder takes this as a parameter, so a test can hand it a
// modified copy of the specs and see that a new event reaches the pages with no other edit.

import type { Provider, WebhookSpec } from "@meeting-webhooks/specs";
import * as specs from "@meeting-webhooks/specs";

export type Json = Record<string, unknown>;

/** The part of `@meeting-webhooks/specs` the docs use. */
export interface ContractSource {
  providers: readonly Provider[];
  loadWebhooks(provider: Provider): WebhookSpec[];
  bundleOpenApi(provider: Provider): Json;
  bundleAsyncApi(provider: Provider): Json;
}

/** The contracts in this repository's `specs/` folder. */
export const repositoryContracts: ContractSource = specs;
