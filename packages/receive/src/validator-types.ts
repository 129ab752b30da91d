// The shape of an Ajv standalone validator, as the generated module exports it.

export interface CompiledError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledError[] | null;
}
