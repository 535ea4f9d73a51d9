import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const sharedDir = resolve(__dirname, '..', '..', '..', 'shared');

/** The shared contracts folder beside the repository when present (CI and developers), else the test copy. */
export function reportSchema(): object {
  const shared = join(sharedDir, 'contracts', 'scan-report.schema.json');
  const path = existsSync(shared) ? shared : join(__dirname, 'scan-report.schema.json');
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The project's copy of the schema, which adds the optional `attestation` and `exception` of a result. */
export function projectReportSchema(): object {
  return JSON.parse(readFileSync(join(__dirname, 'scan-report.schema.json'), 'utf8'));
}

/** Validation errors of a JSON report against the contract schema and the project's extension of it (empty when valid). */
export function reportSchemaErrors(report: unknown): string[] {
  return [reportSchema(), projectReportSchema()].flatMap((schema) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  });
}

/** The shared requirements document, when the shared folder is beside the repository. */
export function sharedRequirementsPath(): string | undefined {
  const path = join(sharedDir, 'reference', 'requirements.md');
  return existsSync(path) ? path : undefined;
}
