import { PNG } from 'pngjs';
import { renderTrendChart, type TrendChartInput, type TrendPoint } from '../../src/schedule/chart';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const sections = [
  { id: 'FTR-1', title: 'Root user' },
  { id: 'FTR-7', title: 'IAM users' },
  { id: 'WAS-IAM', title: 'WAS: identity' },
  { id: 'WAS-NET', title: 'WAS: network' },
];

/** Eight weekly scans, improving. */
const weeks: TrendPoint[] = Array.from({ length: 8 }, (_, i) => ({
  at: new Date(Date.UTC(2025, 9, 12 + 7 * i, 6)).toISOString(),
  met: 30 + 2 * i,
  total: 52,
  failingBySection: { 'FTR-7': 12 - i, 'WAS-IAM': 3 + (i % 3), 'WAS-NET': i > 4 ? 2 : 0, 'FTR-1': 0 },
}));

const input: TrendChartInput = { points: weeks, sections, title: 'Posture of 123456789012, last 8 weeks' };

const isWhite = (png: PNG, x: number, y: number) => {
  const i = (png.width * y + x) * 4;
  return png.data[i] === 255 && png.data[i + 1] === 255 && png.data[i + 2] === 255;
};

/** Pixels in rows [top, bottom) that are not white. */
function inkIn(png: PNG, top: number, bottom: number, left = 0, right = png.width): number {
  let ink = 0;
  for (let y = top; y < bottom; y += 1) for (let x = left; x < right; x += 1) if (!isWhite(png, x, y)) ink += 1;
  return ink;
}

function distinctColours(png: PNG): number {
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
  return colours.size;
}

/** Bytes of rows [top, bottom) of the decoded image. */
const rows = (png: PNG, top: number, bottom: number) => png.data.subarray(png.width * 4 * top, png.width * 4 * bottom);

// The chart of `input`, which most tests compare against.
let baseBytes: Buffer;
let base: PNG;
beforeAll(async () => {
  baseBytes = await renderTrendChart(input);
  base = PNG.sync.read(baseBytes);
});

test('is a PNG of 1000 × 500 by default and of the size asked otherwise', async () => {
  expect(baseBytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect([base.width, base.height]).toEqual([1000, 500]);

  const small = PNG.sync.read(await renderTrendChart({ ...input, width: 640, height: 320 }));
  expect([small.width, small.height]).toEqual([640, 320]);
});

test('draws on a white background, with colour in the plot area', () => {
  expect(isWhite(base, 0, 0)).toBe(true);
  expect(isWhite(base, base.width - 1, base.height - 1)).toBe(true);
  // Bars, lines and their anti-aliased edges.
  expect(distinctColours(base)).toBeGreaterThan(50);
  const plotArea = (400 - 100) * (900 - 100);
  expect(inkIn(base, 100, 400, 100, 900)).toBeGreaterThan(plotArea * 0.1);
});

test('draws the title text, which proves the font was loaded', async () => {
  // Same layout, different titles: without a usable font neither title leaves a pixel.
  const first = PNG.sync.read(await renderTrendChart({ ...input, title: 'Posture of 111111111111' }));
  const second = PNG.sync.read(await renderTrendChart({ ...input, title: 'Posture of 999999999999, last 8 weeks' }));
  const titleBand = [0, 35] as const;
  expect(inkIn(first, ...titleBand)).toBeGreaterThan(200);
  expect(Buffer.compare(rows(first, ...titleBand), rows(second, ...titleBand))).not.toBe(0);
  expect(Buffer.compare(rows(first, 35, first.height), rows(second, 35, second.height))).toBe(0);
});

test('renders a title with markup-like characters as plain text', async () => {
  const png = PNG.sync.read(await renderTrendChart({ ...input, title: '<b>Posture</b> & "{bold|x}" </svg>' }));
  expect(inkIn(png, 0, 35)).toBeGreaterThan(200);
});

test('different data give different images', async () => {
  const worse = weeks.map((p) => ({ ...p, met: p.met - 20 }));
  const after = PNG.sync.read(await renderTrendChart({ ...input, points: worse }));
  expect(Buffer.compare(base.data, after.data)).not.toBe(0);
});

test('legend lists only the sections that failed at some scan', async () => {
  // FTR-1 is zero throughout, so it has no legend entry; giving it a failure adds one.
  const legendBand = [440, 500] as const;
  const withFtr1 = weeks.map((p, i) => (i === 0 ? { ...p, failingBySection: { ...p.failingBySection, 'FTR-1': 1 } } : p));
  const withIt = PNG.sync.read(await renderTrendChart({ ...input, points: withFtr1 }));
  expect(inkIn(withIt, ...legendBand)).toBeGreaterThan(inkIn(base, ...legendBand));
});

test('a legend too long for one row wraps, and the plot shrinks to make room for it', async () => {
  const many = Array.from({ length: 18 }, (_, i) => ({ id: `S-${i}`, title: `Section ${i} with a long title` }));
  const points = weeks.map((p) => ({ ...p, failingBySection: Object.fromEntries(many.map((s) => [s.id, 1])) }));
  const wrapped = PNG.sync.read(await renderTrendChart({ ...input, sections: many, points }));
  // The x-axis is the lowest row drawn all the way across the plot (split lines are too, higher up).
  const xAxisRow = (png: PNG) => {
    for (let y = png.height - 1; y >= 0; y -= 1) if (inkIn(png, y, y + 1, 100, 900) === 800) return y;
    throw new Error('no x-axis');
  };
  expect(xAxisRow(wrapped)).toBeLessThan(xAxisRow(base) - 3 * 20);
});

test('the x-axis follows the timezone', async () => {
  const kiritimati = PNG.sync.read(await renderTrendChart({ ...input, timezone: 'Pacific/Kiritimati' }));
  expect(Buffer.compare(base.data, kiritimati.data)).not.toBe(0);
  await expect(renderTrendChart({ ...input, timezone: 'Mars/Olympus_Mons' })).rejects.toThrow(RangeError);
});

test('a single scan is enough', async () => {
  const png = PNG.sync.read(await renderTrendChart({ ...input, points: weeks.slice(0, 1) }));
  expect([png.width, png.height]).toEqual([1000, 500]);
  expect(inkIn(png, 100, 400, 100, 900)).toBeGreaterThan(1000);
});

test('no scans, a bad scan time or a bad size is a RangeError', async () => {
  await expect(renderTrendChart({ ...input, points: [] })).rejects.toThrow(RangeError);
  await expect(renderTrendChart({ ...input, points: [{ ...weeks[0], at: 'yesterday' }] })).rejects.toThrow(RangeError);
  await expect(renderTrendChart({ ...input, width: 0 })).rejects.toThrow(RangeError);
  await expect(renderTrendChart({ ...input, height: 1.5 })).rejects.toThrow(RangeError);
});

test('concurrent first calls share one renderer start', async () => {
  // A fresh copy of the module (and of the wasm binding): these are its very first calls.
  let fresh!: typeof import('../../src/schedule/chart');
  jest.isolateModules(() => {
    fresh = jest.requireActual('../../src/schedule/chart');
  });
  const small = { ...input, width: 300, height: 150 };
  const images = await Promise.all(Array.from({ length: 20 }, () => fresh.renderTrendChart(small)));
  for (const bytes of images) expect(PNG.sync.read(bytes).width).toBe(300);
  // And a later call still works: the wasm is not started a second time.
  expect(PNG.sync.read(await fresh.renderTrendChart(small)).height).toBe(150);
});
