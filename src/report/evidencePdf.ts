import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Status } from '../core/types';
import {
  attestationValidity,
  dayOf,
  EVIDENCE_FILES,
  evidenceSummaryRows,
  exceptionText,
  lapsedExceptionText,
  LISTED_RESULTS,
  statusLabel,
  utcMinute,
  VERDICT_LEGEND,
  type EvidenceModel,
  type RequirementEvidence,
  type Verdict,
} from './evidence';
import { printable } from './format';

// The standard PDF fonts cover Latin-1 only; AWS names and people's evidence can hold any script
// DejaVu covers, and the font ships as a dependency (no system fonts in the image).
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const BODY = 'DejaVuSans';
const BOLD = 'DejaVuSans-Bold';

const MARGIN = { top: 56, bottom: 64, left: 56, right: 56 };
const INK = '#1f2328';
const MUTED = '#59636e';
const VERDICT_COLORS: Record<Verdict, string> = { met: '#1a7f37', 'not met': '#cf222e', open: '#9a6700' };
const STATUS_COLORS: Record<Status, string> = { PASS: '#1a7f37', FAIL: '#cf222e', ERROR: '#8250df', MANUAL: '#9a6700', NOT_APPLICABLE: MUTED };

type Doc = PDFKit.PDFDocument;

/** AWS or user text fit for the page: no control characters; one line unless `keepLines`. */
function clean(text: string, keepLines = false): string {
  const t = printable(text);
  return keepLines ? t : t.replace(/\s+/g, ' ').trim();
}

const bottomOf = (doc: Doc) => doc.page.height - doc.page.margins.bottom;
const widthOf = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

/** A new page unless `height` still fits on this one (headings stay with what follows them). */
function keepTogether(doc: Doc, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

function heading(doc: Doc, text: string, size: number, gapBefore: number): void {
  keepTogether(doc, gapBefore + size * 4);
  doc.moveDown(gapBefore / doc.currentLineHeight());
  doc.font(BOLD).fontSize(size).fillColor(INK).text(text, doc.page.margins.left);
  doc.moveDown(0.2);
}

/** A label in bold colour, then the text, wrapped as one paragraph and indented. */
function labelled(doc: Doc, label: string, color: string, text: string, indent: number): void {
  doc.font(BOLD).fontSize(9).fillColor(color).text(`${label}  `, doc.page.margins.left + indent, doc.y, { continued: true, width: widthOf(doc) - indent });
  doc.font(BODY).fillColor(INK).text(text);
}

function paragraph(doc: Doc, text: string, options: { indent?: number; size?: number; color?: string; keepLines?: boolean } = {}): void {
  const indent = options.indent ?? 0;
  doc
    .font(BODY)
    .fontSize(options.size ?? 9)
    .fillColor(options.color ?? INK)
    .text(clean(text, options.keepLines), doc.page.margins.left + indent, doc.y, { width: widthOf(doc) - indent });
}

function titlePage(doc: Doc, model: EvidenceModel): void {
  const s = model.summary;
  doc.font(BOLD).fontSize(24).fillColor(INK).text('FTR self-assessment evidence', { align: 'left' });
  doc.moveDown(0.3);
  doc.font(BODY).fontSize(13).fillColor(MUTED).text(`AWS account ${clean(s.accountId)}: the Foundational Technical Review questionnaire and the Well-Architected Security checklist`);
  doc.moveDown(1.5);
  const labelWidth = 190;
  for (const [label, value] of evidenceSummaryRows(s)) {
    const y = doc.y;
    doc.font(BOLD).fontSize(10).fillColor(INK).text(label, doc.page.margins.left, y, { width: labelWidth - 10 });
    const afterLabel = doc.y;
    doc.font(BODY).fontSize(10).text(clean(value), doc.page.margins.left + labelWidth, y, { width: widthOf(doc) - labelWidth });
    doc.y = Math.max(afterLabel, doc.y) + 4;
  }
  doc.moveDown(1);
  paragraph(doc, `Verdicts. ${VERDICT_LEGEND}`, { size: 9, color: MUTED });
  doc.moveDown(0.5);
  paragraph(doc, `Every result of the scan, with its exception or attestation, is in ${EVIDENCE_FILES.csv}; this document lists at most ${LISTED_RESULTS} resources per requirement, worst first.`, { size: 9, color: MUTED });
}

function verdictIndex(doc: Doc, model: EvidenceModel): void {
  doc.addPage();
  heading(doc, 'Verdicts at a glance', 16, 0);
  const left = doc.page.margins.left;
  const columns = { id: left, verdict: left + 72, text: left + 130 };
  const textWidth = widthOf(doc) - (columns.text - left);
  for (const part of model.parts) {
    heading(doc, part.title, 11, 8);
    for (const section of part.sections) {
      for (const r of section.requirements) {
        doc.font(BODY).fontSize(9);
        const short = clean(r.requirement.short);
        keepTogether(doc, doc.heightOfString(short, { width: textWidth }) + 3);
        const y = doc.y;
        doc.font(BOLD).fillColor(INK).text(r.requirement.id, columns.id, y, { lineBreak: false });
        doc.fillColor(VERDICT_COLORS[r.verdict]).text(r.verdict, columns.verdict, y, { lineBreak: false });
        doc.font(BODY).fillColor(INK).text(short, columns.text, y, { width: textWidth });
        doc.y += 3;
      }
    }
  }
}

function requirementBlock(doc: Doc, r: RequirementEvidence): void {
  const { requirement } = r;
  keepTogether(doc, 90);
  doc.moveDown(0.6);
  doc.font(BOLD).fontSize(12).fillColor(INK).text(`${requirement.id}  `, doc.page.margins.left, doc.y, { continued: true });
  doc.fillColor(VERDICT_COLORS[r.verdict]).text(r.verdict.toUpperCase());
  doc.moveDown(0.15);
  paragraph(doc, requirement.statement, { size: 9.5 });
  paragraph(doc, `Evidence source: ${requirement.evidence}`, { size: 8.5, color: MUTED });

  doc.moveDown(0.3);
  doc.font(BOLD).fontSize(9.5).fillColor(INK).text(`Automated evidence (${r.automated.length} result${r.automated.length === 1 ? '' : 's'})`, doc.page.margins.left);
  if (r.automated.length === 0) paragraph(doc, r.attestable ? "None: a person's evidence decides this requirement." : 'None in the last scan.', { indent: 10, color: MUTED });
  for (const line of r.automated.slice(0, LISTED_RESULTS)) {
    const x = line.result;
    labelled(doc, statusLabel(line), STATUS_COLORS[x.status], clean(`${x.checkId} · ${x.region} · ${x.resource}: ${x.message}`), 10);
    if (x.exception) paragraph(doc, exceptionText(x.exception), { indent: 22, size: 8.5, color: MUTED });
    if (line.lapsedException) paragraph(doc, lapsedExceptionText(line.lapsedException), { indent: 22, size: 8.5, color: MUTED });
  }
  if (r.automated.length > LISTED_RESULTS) paragraph(doc, `… and ${r.automated.length - LISTED_RESULTS} more in ${EVIDENCE_FILES.csv}`, { indent: 10, color: MUTED });

  if (r.attestable) {
    doc.moveDown(0.3);
    doc.font(BOLD).fontSize(9.5).fillColor(INK).text('Attestation', doc.page.margins.left);
    const a = r.attestation;
    if (!a) paragraph(doc, `None recorded.${r.attestationAsks ? ` To record: ${r.attestationAsks}.` : ''}`, { indent: 10, color: MUTED });
    else {
      paragraph(doc, a.evidence || '(link only)', { indent: 10, keepLines: true });
      if (a.link) paragraph(doc, `Link: ${a.link}`, { indent: 10 });
      const color = a.state === 'active' ? MUTED : VERDICT_COLORS['not met'];
      paragraph(doc, `Owner ${a.owner}, recorded by ${a.recordedBy} on ${dayOf(a.recordedAt)}; ${attestationValidity(a)}`, { indent: 10, color });
    }
  }

  doc.moveDown(0.3);
  doc.font(BOLD).fontSize(9.5).fillColor(INK).text('Still open', doc.page.margins.left);
  if (r.open.length === 0) paragraph(doc, 'Nothing.', { indent: 10, color: MUTED });
  for (const item of r.open) paragraph(doc, `• ${item}`, { indent: 10 });
}

/** "FTR evidence · account … · scan …" and "Page i of n" at the foot of every page. */
function footers(doc: Doc, model: EvidenceModel): void {
  const { start, count } = doc.bufferedPageRange();
  const left = `FTR evidence · account ${clean(model.summary.accountId)} · scan of ${utcMinute(model.summary.scannedAt)}`;
  for (let i = start; i < start + count; i += 1) {
    doc.switchToPage(i);
    // Text below the bottom margin would start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - bottom + 24;
    doc.font(BODY).fontSize(8).fillColor(MUTED);
    doc.text(left, doc.page.margins.left, y, { lineBreak: false });
    doc.text(`Page ${i + 1} of ${count}`, doc.page.margins.left, y, { width: widthOf(doc), align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

/** Lets other work run: laying out text is synchronous, and the Slack app must keep answering while a pack renders. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The pack as a PDF: title page with the summary, the verdict index, then every requirement with its evidence. */
export async function renderEvidencePdf(model: EvidenceModel): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: `FTR self-assessment evidence, account ${model.summary.accountId}`,
      Author: 'ftr-bot',
      Subject: `Scan of ${model.summary.scannedAt}`,
      CreationDate: new Date(model.summary.builtAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont(BODY, path.join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont(BOLD, path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'));

  titlePage(doc, model);
  verdictIndex(doc, model);
  for (const [i, part] of model.parts.entries()) {
    doc.addPage();
    doc.font(BOLD).fontSize(18).fillColor(INK).text(`Part ${i + 1}: ${part.title}`);
    for (const section of part.sections) {
      heading(doc, `${section.id} ${clean(section.title)}`, 14, 14);
      for (const r of section.requirements) {
        requirementBlock(doc, r);
        await yieldToEventLoop();
      }
    }
  }
  footers(doc, model);
  doc.end();
  return done;
}
