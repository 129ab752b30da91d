// Why a contract could not be compared. A value a caller can act on: a code, a message that says what to do, and
// where (the file and the JSON pointer of the offending `$ref`, when there is one).

export type ContractLoadErrorCode =
  | "invalid_source"
  | "not_found"
  | "git_failed"
  | "unknown_ref"
  | "parse_failed"
  | "ref_not_found"
  | "ref_outside_repository"
  | "not_openapi";

export class ContractLoadError extends Error {
  override readonly name = "ContractLoadError";
  constructor(
    readonly code: ContractLoadErrorCode,
    message: string,
    /** The file the problem is in, as the source names it. */
    readonly file?: string,
    /** The JSON pointer of the offending node in that file. */
    readonly pointer?: string,
  ) {
    super(message);
  }
}
