import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog } from '../../src/checks/catalog';
import { catalogRows, formatCatalog } from '../../src/cli/catalogCommand';
import { loadRequirements, referenceDir } from '../../src/core/requirements';
import { SEVERITIES } from '../../src/core/types';
import { sharedRequirementsPath } from '../support/contracts';

const requirementIds = loadRequirements().all.map((r) => r.id);

describe('requirement catalog', () => {
  it('ships the same requirements document as the shared reference', () => {
    const shared = sharedRequirementsPath();
    if (!shared) return; // a checkout without the shared folder beside it has only the shipped copy
    expect(readFileSync(join(referenceDir(), 'requirements.md'), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });

  it('reads all 62 requirement IDs, 46 FTR and 16 Well-Architected, each with its source text', () => {
    const all = loadRequirements().all;
    expect(all).toHaveLength(62);
    expect(all.filter((r) => r.id.startsWith('FTR-'))).toHaveLength(46);
    expect(all.every((r) => r.statement.length > 10 && r.description.length > 10)).toBe(true);
    expect(loadRequirements().byId.get('FTR-3.3')!.statement).toBe('Enable multi-factor authentication (MFA) on root user.');
  });

  it.each(requirementIds)('covers %s with at least one check', (id) => {
    expect(catalog.filter((c) => c.refs.includes(id)).map((c) => c.id)).not.toHaveLength(0);
  });

  it('gives every check a unique id, valid refs, and the fields a report needs', () => {
    const ids = catalog.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of catalog) {
      expect(check.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      expect(check.refs.length).toBeGreaterThan(0);
      for (const ref of check.refs) expect(requirementIds).toContain(ref);
      expect(SEVERITIES).toContain(check.severity);
      expect(check.title.length).toBeGreaterThan(5);
      expect(check.rationale).toMatch(/^(FTR|WAS)-[^:]+: “.+”$/);
      expect(check.remediation.length).toBeGreaterThan(10);
      expect(['global', 'regional']).toContain(check.scope);
      expect(['automated', 'attestation']).toContain(check.kind);
    }
  });

  it('prints ID → checks → automated/attestation for all 62 IDs', () => {
    const text = formatCatalog(catalogRows(catalog));
    for (const id of requirementIds) expect(text).toMatch(new RegExp(`^${id.replace('.', '\\.')} `, 'm'));
    expect(text).toContain('→ attest_root_misuse_runbook (attestation)');
    expect(text).toContain('→ iam_password_policy_strong (automated)');
    expect(text).not.toContain('(no check)');
  });
});
