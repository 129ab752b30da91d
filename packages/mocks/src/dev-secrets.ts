// Secrets for local development only, shared by `meeting-webhooks send`, the mocks and sample receivers, so that
// a sender and a receiver started without configuration agree. Never use them anywhere real.
export const devSecrets = {
  /** A Cronofy client secret. */
  cronofy: "dev-cronofy-client-secret",
  /** A Meeting BaaS `callback_config.secret`. */
  meetingBaasCallback: "dev-meetingbaas-callback-secret",
  /** A Meeting BaaS webhook signing secret (base64 of "meeting-webhooks dev signing key"). */
  meetingBaasWebhook: "whsec_bWVldGluZy13ZWJob29rcyBkZXYgc2lnbmluZyBrZXk=",
} as const;
