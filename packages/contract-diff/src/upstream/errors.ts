// Why an upstream check could not run. A value a caller can act on: a code, a message that says what to do, and
// where: the file (or URL) and the JSON pointer of the offending node, when there is one. A check that ran and
// found differences is not an error: those are findings.

export type UpstreamErrorCode =
  /** The provider publishes no machine-readable document: there is nothing to compare, only a manual check. */
  | "no_machine_readable_document"
  | "document_not_found"
  | "document_unreadable"
  /** Not JSON. */
  | "document_invalid"
  /** JSON, but without `components.schemas`. */
  | "document_not_openapi"
  /** A URL this tool does not fetch: only `https://`, and `http://` on the loopback interface. */
  | "url_not_allowed"
  /** The URL did not answer, answered late, or answered with an error status. */
  | "fetch_failed"
  | "mapping_not_found"
  /** The mapping file is not what `specs/<provider>/upstream.yaml` must be. */
  | "mapping_invalid"
  /** An official schema is matched by more than one entry of the mapping file. */
  | "mapping_ambiguous"
  /** A mapped contract file does not exist. */
  | "contract_not_found";

export class UpstreamError extends Error {
  override readonly name = "UpstreamError";
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** The file or URL the problem is in. */
    readonly file?: string,
    /** The JSON pointer of the offending node in it. */
    readonly pointer?: string,
  ) {
    super(message);
  }
}
