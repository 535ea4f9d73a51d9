import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as echarts from 'echarts';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

export interface TrendPoint {
  /** ISO-8601 time of the scan. */
  at: string;
  /** Requirements met (of `total`) at that scan. */
  met: number;
  total: number;
  /** Failing resources (results with status FAIL) per section id, e.g. { 'FTR-7': 12, 'WAS-IAM': 3 }. */
  failingBySection: Record<string, number>;
}

export interface TrendChartInput {
  /** Oldest first; at least one. */
  points: readonly TrendPoint[];
  /** Section id → short title for the legend, in display order. */
  sections: readonly { id: string; title: string }[];
  /** Plain text, e.g. "Posture of 123456789012, last 8 weeks". */
  title: string;
  /** IANA zone the x-axis dates are shown in; default UTC. */
  timezone?: string;
  /** Size of the PNG in pixels; default 1000 × 500. */
  width?: number;
  height?: number;
}

const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

interface Renderer {
  fonts: Uint8Array[];
}

// initWasm may run only once per process, so every caller shares this promise; a failed start is
// forgotten so that a later call can try again.
let rendererReady: Promise<Renderer> | undefined;

function renderer(): Promise<Renderer> {
  rendererReady ??= startRenderer().catch((error: unknown) => {
    rendererReady = undefined;
    throw error;
  });
  return rendererReady;
}

async function startRenderer(): Promise<Renderer> {
  // The image has no system fonts: resvg draws no text unless it is handed the font files.
  const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const [wasm, ...fonts] = await Promise.all([
    readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')),
    ...FONT_FILES.map((file) => readFile(path.join(fontDir, file))),
  ]);
  await initWasm(wasm);
  return { fonts };
}

/** The PNG of the posture trend: requirements met on the left axis, failing resources per section stacked on the right. */
export async function renderTrendChart(input: TrendChartInput): Promise<Buffer> {
  const width = input.width ?? 1000;
  const height = input.height ?? 500;
  const svg = renderSvg(chartOption(input, checkedSize(width, 'width')), width, checkedSize(height, 'height'));
  const { fonts } = await renderer();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'original' },
    font: { fontBuffers: fonts, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  try {
    const image = resvg.render();
    try {
      return Buffer.from(image.asPng());
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

function checkedSize(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 4000) throw new RangeError(`chart ${name} must be a whole number of pixels from 1 to 4000, got ${value}`);
  return value;
}

function renderSvg(option: echarts.EChartsOption, width: number, height: number): string {
  echarts.setPlatformAPI({ measureText: measureDejaVu });
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function chartOption(input: TrendChartInput, width: number): echarts.EChartsOption {
  if (input.points.length === 0) throw new RangeError('a trend chart needs at least one scan');
  const timezone = input.timezone ?? 'UTC';
  const wallClock = wallClockIn(timezone);
  const points = input.points.map((point) => {
    const at = Date.parse(point.at);
    if (Number.isNaN(at)) throw new RangeError(`scan time is not a date: ${point.at}`);
    return { ...point, x: wallClock(at) };
  });
  const sections = failingSections(input.sections, points);
  const titleOf = new Map(sections.map((s) => [s.id, s.title]));
  const hasTitle = input.title.trim() !== '';
  const legendWidth = width - 40;
  const legendLabels = [...sections.map((s) => s.title), MET, TOTAL];
  return {
    animation: false,
    backgroundColor: '#ffffff',
    // The x values are wall-clock times in `timezone` written as UTC, so UTC ticks fall on that zone's midnights.
    useUTC: true,
    textStyle: { fontFamily: FONT_FAMILY },
    title: { show: hasTitle, text: input.title, left: 'center', top: 10, textStyle: { fontFamily: FONT_FAMILY, fontSize: 16 } },
    legend: {
      type: 'plain',
      left: 'center',
      bottom: 10,
      width: legendWidth,
      itemWidth: LEGEND.itemWidth,
      itemHeight: LEGEND.itemHeight,
      itemGap: LEGEND.itemGap,
      formatter: (name: string) => titleOf.get(name) ?? name,
      textStyle: { fontFamily: FONT_FAMILY, fontSize: LEGEND.fontSize },
    },
    // Below the plot: the date labels, then the legend, which wraps onto as many rows as it needs.
    grid: { left: 70, right: 70, top: hasTitle ? 70 : 40, bottom: 50 + legendRows(legendLabels, legendWidth) * LEGEND.rowHeight },
    xAxis: {
      type: 'time',
      ...paddedExtent(points.map((p) => p.x)),
      minInterval: DAY_MS,
      axisLabel: { formatter: (value: number) => dayLabel.format(value), hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: [
      { type: 'value', name: 'requirements met', min: 0, minInterval: 1, nameTextStyle: { align: 'left' } },
      { type: 'value', name: 'failing resources', min: 0, minInterval: 1, splitLine: { show: false }, nameTextStyle: { align: 'right' } },
    ],
    series: [
      ...sections.map((section) => ({
        type: 'bar' as const,
        id: `failing:${section.id}`,
        name: section.id,
        yAxisIndex: 1,
        stack: 'failing',
        barMaxWidth: 40,
        data: points.map((p) => [p.x, p.failingBySection[section.id] ?? 0]),
      })),
      {
        type: 'line',
        id: 'met',
        name: MET,
        yAxisIndex: 0,
        z: 3,
        color: '#1a7f37',
        lineStyle: { width: 3 },
        // Dots help to find a few scans; on daily scans they only crowd the line.
        showSymbol: points.length <= 16,
        symbolSize: 7,
        data: points.map((p) => [p.x, p.met]),
      },
      {
        type: 'line',
        id: 'total',
        name: TOTAL,
        yAxisIndex: 0,
        z: 3,
        color: '#57606a',
        lineStyle: { type: 'dashed', width: 2 },
        // A lone point draws no line, so then its symbol is the only mark.
        showSymbol: points.length === 1,
        data: points.map((p) => [p.x, p.total]),
      },
    ],
  };
}

const MET = 'requirements met';
const TOTAL = 'requirements in total';

// echarts' legend defaults, spelt out because legendRows lays the legend out the same way.
const LEGEND = { fontSize: 12, itemWidth: 25, itemHeight: 14, itemGap: 10, labelGap: 5, rowHeight: 24 };

/** How many rows echarts needs for these legend entries in `width` pixels. */
function legendRows(labels: readonly string[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const label of labels) {
    const item = LEGEND.itemWidth + LEGEND.labelGap + measureDejaVu(label, `${LEGEND.fontSize}px ${FONT_FAMILY}`).width;
    if (used > 0 && used + LEGEND.itemGap + item > width) {
      rows += 1;
      used = item;
    } else {
      used += (used > 0 ? LEGEND.itemGap : 0) + item;
    }
  }
  return rows;
}

/**
 * Sections with a failing resource at some scan, in display order; ids the caller gave no title for
 * come last under their id, so that no failure drops out of the chart.
 */
function failingSections(sections: TrendChartInput['sections'], points: readonly TrendPoint[]): { id: string; title: string }[] {
  const failing = new Set(points.flatMap((p) => Object.entries(p.failingBySection).filter(([, n]) => n > 0).map(([id]) => id)));
  const listed = sections.filter((s) => failing.has(s.id));
  const listedIds = new Set(sections.map((s) => s.id));
  const unlisted = [...failing].filter((id) => !listedIds.has(id)).sort().map((id) => ({ id, title: id }));
  return [...listed, ...unlisted];
}

const DAY_MS = 86_400_000;

/** Room on both sides so the outer bars are drawn whole; a single scan gets a day either side. */
function paddedExtent(xs: readonly number[]): { min: number; max: number } {
  const first = Math.min(...xs);
  const last = Math.max(...xs);
  const pad = Math.max((last - first) / 20, DAY_MS);
  return { min: first - pad, max: last + pad };
}

/** Maps an instant to the wall-clock time in `timezone`, expressed as if it were UTC. */
function wallClockIn(timezone: string): (at: number) => number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (at) => {
    const field = Object.fromEntries(parts.formatToParts(at).map((p) => [p.type, Number(p.value)]));
    return Date.UTC(field.year, field.month - 1, field.day, field.hour, field.minute, field.second, at % 1000);
  };
}

// Ticks are whole days of wall-clock time written as UTC (see wallClockIn), hence the UTC zone here.
const dayLabel = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });

// Advance widths (1/2048 em) of DejaVu Sans 2.37, regular and bold, for U+0020..U+007E. Without a
// canvas echarts guesses text widths from Arial-like metrics, about 14% short for DejaVu, and the
// legend entries then overlap.
const DEJAVU_SANS = [
  651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303,
  1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532,
  1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260,
  721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303,
  1716,
];
const DEJAVU_SANS_BOLD = [
  713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425,
  1425, 1425, 819, 819, 1716, 1716, 1716, 1188, 2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714,
  1741, 1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024, 1024, 1382, 1466, 1214, 1466, 1389,
  891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407, 1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458,
  1716,
];

/** Text width for echarts' layout; characters outside the table count one em, as echarts' own guess does. */
function measureDejaVu(text: string, font?: string): { width: number } {
  const fontSize = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
  const advances = /\bbold\b/.test(font ?? '') ? DEJAVU_SANS_BOLD : DEJAVU_SANS;
  let ems = 0;
  for (const char of text) ems += (advances[(char.codePointAt(0) ?? 0) - 0x20] ?? 2048) / 2048;
  return { width: ems * fontSize };
}
