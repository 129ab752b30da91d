// Reads the provider's machine-readable document: a file, or an `https://` URL fetched with a timeout. Nothing
// else touches the network; `http://` is refused except on the loopback interface (a local mirror, tests).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { isObject } from "../facets.js";
import { UpstreamError } from "./errors.js";

type Json = Record<string, unknown>;

export interface UpstreamDocument {
  /** The path or URL as given. */
  source: string;
  /** The whole document, as parsed. */
  document: Json;
  /** Its `components.schemas`. */
  schemas: Json;
}

export interface ReadDocumentOptions {
  /** Where a relative path is read from. Default: the working directory. */
  cwd?: string;
  /** How long a URL may take to answer in full. Default 30 s. */
  timeoutMs?: number;
  /** The fetch to use (tests inject one). Default: the global fetch. */
  fetch?: typeof fetch;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `https://` and loopback `http://` URLs are fetched, other schemes refused, anything else is a file path. */
function urlOf(location: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new UpstreamError(
      "url_not_allowed",
      `${location} is not a valid URL: check its spelling.`,
      location,
    );
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && (loopbackHosts.has(url.hostname) || url.hostname.startsWith("127.")))
    return url;
  throw new UpstreamError(
    "url_not_allowed",
    `${location}: only https:// URLs are fetched (http:// only on the loopback interface). Give the https:// URL, or ` +
      "download the document and give its path.",
    location,
  );
}

async function fetchText(url: URL, options: ReadDocumentOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const get = options.fetch ?? fetch;
  try {
    const response = await get(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (!response.ok) {
      throw new UpstreamError(
        "fetch_failed",
        `${url.href} answered ${response.status} ${response.statusText}: check the URL (it must serve the raw ` +
          "JSON document, not a page about it).",
        url.href,
      );
    }
    return await response.text();
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    const name = (error as Error).name;
    const timedOut = name === "TimeoutError" || name === "AbortError";
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new UpstreamError(
      "fetch_failed",
      timedOut
        ? `${url.href} did not answer within ${timeoutMs / 1000} s: try again later, or download the document and ` +
            "give its path."
        : `${url.href} could not be fetched (${cause}): check the URL and the network, or give a downloaded copy.`,
      url.href,
    );
  }
}

async function readText(location: string, options: ReadDocumentOptions): Promise<string> {
  const url = urlOf(location);
  if (url) return fetchText(url, options);
  try {
    return await readFile(resolve(options.cwd ?? process.cwd(), location), "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UpstreamError(
      missing ? "document_not_found" : "document_unreadable",
      missing
        ? `No such file: ${location}. Give the path of the provider's OpenAPI document (openapi-v2.json) or its ` +
            "https:// URL."
        : `Cannot read ${location}: ${(error as Error).message}`,
      location,
    );
  }
}

/** Checks a parsed document: an object with `components.schemas`. */
export function upstreamDocumentOf(document: unknown, source: string): UpstreamDocument {
  const components = isObject(document) ? document.components : undefined;
  const schemas = isObject(components) ? components.schemas : undefined;
  if (!isObject(document) || !isObject(schemas)) {
    throw new UpstreamError(
      "document_not_openapi",
      `${source} has no components.schemas: give the provider's OpenAPI document (openapi-v2.json), whose ` +
        "components.schemas hold the payload schemas.",
      source,
      "/components/schemas",
    );
  }
  return { source, document, schemas };
}

/** Parses a document's text (JSON, as the provider publishes it). */
export function parseUpstreamDocument(text: string, source: string): UpstreamDocument {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new UpstreamError(
      "document_invalid",
      `${source} is not valid JSON (${(error as Error).message}): give the provider's OpenAPI document as JSON ` +
        "(openapi-v2.json), not an HTML page or a truncated download.",
      source,
    );
  }
  return upstreamDocumentOf(document, source);
}

/** Reads the document from a path or URL. */
export async function readUpstreamDocument(
  location: string,
  options: ReadDocumentOptions = {},
): Promise<UpstreamDocument> {
  return parseUpstreamDocument(await readText(location, options), location);
}
