/** The cfn-lint release the tests install into .cache/. */
export const CFN_LINT_VERSION: string;

/** The cfn-lint executable, installed into a virtualenv under .cache/ when missing. */
export function ensureCfnLint(): string;

/** Lints templates with every rule, informational ones included: cfn-lint's exit status (0: clean) and its findings. */
export function cfnLint(templates: string[]): { status: number | null; output: string };
