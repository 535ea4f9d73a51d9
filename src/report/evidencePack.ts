import { evidenceCsv, evidenceMarkdown, evidenceModel, type EvidenceInput, type EvidencePack, type Verdict } from './evidence';
import { renderEvidencePdf } from './evidencePdf';

/** The FTR self-assessment evidence pack of an account: Markdown, PDF and a CSV of every result. */
export async function evidencePack(input: EvidenceInput): Promise<EvidencePack> {
  const model = evidenceModel(input);
  const verdicts: Record<string, Verdict> = {};
  for (const part of model.parts) for (const section of part.sections) for (const r of section.requirements) if (r.requirement.id.startsWith('FTR-')) verdicts[r.requirement.id] = r.verdict;
  return {
    markdown: evidenceMarkdown(model),
    pdf: await renderEvidencePdf(model),
    csv: evidenceCsv(input.report.results.filter((r) => r.accountId === input.accountId)),
    verdicts,
    summary: model.summary,
  };
}
