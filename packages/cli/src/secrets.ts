// The secrets a command signs with when it sends deliveries (`send`, `conformance`): `--secret` (repeatable, for
// rotation), else MEETING_WEBHOOKS_SECRETS (comma-separated, out of shell history), else the documented development
// secret of the provider and channel, which a local receiver started without configuration accepts.
import { devSecrets } from "@meeting-webhooks/mocks";
import type { Channel, Provider } from "@meeting-webhooks/types";

export function devSecretOf(provider: Provider, channel: Channel): string {
  if (provider === "cronofy") return devSecrets.cronofy;
  return channel === "callback" ? devSecrets.meetingBaasCallback : devSecrets.meetingBaasWebhook;
}

export function signingSecrets(
  given: readonly string[] | undefined,
  env: Readonly<Record<string, string | undefined>>,
  provider: Provider,
  channel: Channel,
): string[] {
  return [
    ...(given ??
      env.MEETING_WEBHOOKS_SECRETS?.split(",").filter(Boolean) ?? [devSecretOf(provider, channel)]),
  ];
}
