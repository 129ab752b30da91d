// The shape of an Ajv standalone validator, as the generated module exports it. Its errors are the contracts'
// `ValidationError`, which `schemaIssues` turns into JSON-pointer issues.
import type { ValidationError } from "@meeting-webhooks/specs/errors";

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
