// The dashboard's sign-in: the login page (no script, like the dashboard), the session the cookie carries, and
// where to send a browser back after it signs in.
import { escapeHtml } from "../html.js";

export const sessionCookie = "receiver_session";
/** How long a session lasts; then the login form asks for the token again. */
export const sessionMaxAgeSeconds = 12 * 60 * 60;

/** A signed-in browser: which token signed it in (by fingerprint) and until when. */
export interface Session {
  fingerprint: string;
  expiresAt: number;
}

/** The cookie's value before signing: `<fingerprint>.<expiry in ms>`. */
export function encodeSession(session: Session): string {
  return `${session.fingerprint}.${session.expiresAt}`;
}

/** The session of an (already verified) cookie value; undefined when it is malformed or expired. */
export function decodeSession(value: string, now = Date.now()): Session | undefined {
  const match = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})$/.exec(value);
  if (!match) return undefined;
  const session = { fingerprint: match[1] as string, expiresAt: Number(match[2]) };
  return session.expiresAt > now ? session : undefined;
}

/**
 * Where to go after signing in: a path on this receiver only (`/…`, never `//host` or `/\host`, which browsers
 * read as another site), else the dashboard.
 */
export function localPath(next: unknown): string {
  if (typeof next !== "string" || next.length > 2048) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Printable ASCII only (a request URL is percent-encoded): no control character can split a header.
  if (!/^[!-~]*$/.test(next)) return "/";
  return next;
}

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:4rem auto;max-width:26rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.35rem}label{display:block;margin:.75rem 0 .25rem}input[type=password]{width:100%;padding:.4rem;font:inherit}
button{margin-top:1rem;padding:.4rem 1rem;font:inherit}.error{color:#b42318}.muted{color:#667085}`;

export interface LoginPage {
  csrfToken: string;
  next: string;
  /** Why the previous attempt failed, shown above the form. */
  error?: string;
}

/** The login form: one password field for a token of `READ_API_TOKENS`. */
export function renderLoginPage({ csrfToken, next, error }: LoginPage): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>Sign in · meeting-webhooks receiver</title><style>${style}</style></head><body>
<h1>Sign in</h1>
<p class="muted">The dashboard and the read API need one of the receiver's read tokens (<code>READ_API_TOKENS</code>).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="token">Read token</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form></body></html>`;
}

/** The sign-out button a signed-in page shows: a POST form with its CSRF token (a link would be a GET). */
export function renderLogoutForm(csrfToken: string): string {
  return `<form method="post" action="/logout" class="logout" style="float:right"><input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}"><button type="submit">Sign out</button></form>`;
}
