// The registry of provider modules: the one place that dispatches on the provider. Adding a provider is a module
// beside these two and a line here (docs/adding-a-provider.md); the list itself is `@meeting-webhooks/specs/providers`,
// so a provider added there without a module here is a type error.
import type { Provider } from "@meeting-webhooks/specs/providers";
import { cronofy } from "./cronofy.js";
import { meetingBaas } from "./meetingbaas.js";
import type { ProviderModule } from "./module.js";

export type * from "./facts.js";
export { neutralMeetingBaasStatus } from "./meetingbaas.js";
export {
  type DownloadContext,
  ExpiredUrl,
  type FetchLike,
  type ProviderModule,
  type ProviderVariable,
  RefusedDownload,
  type VariableValues,
} from "./module.js";

export const providerModules: { readonly [P in Provider]: ProviderModule<P> } = {
  cronofy,
  meetingbaas: meetingBaas,
};

/** The module of a provider, typed loosely for code that handles any provider's events alike. */
export function moduleOf(provider: Provider): ProviderModule {
  return providerModules[provider] as unknown as ProviderModule;
}
