import type { PolicyDocument } from '../src/engine/permissions';

/** The templates under deploy/ whose roles carry the scan policy, relative to the repository root. */
export const TEMPLATES: readonly string[];

/** `template` with the statement between its `scan-policy:begin`/`end` comments replaced by `statement`. */
export function withScanStatement(template: string, statement: PolicyDocument['Statement'][number]): string;
