/** A small dependency-free SVG line chart: gap recovered (y, 0..1) against strong-call share (x, 0..100%). */
export interface Series {
  name: string;
  color: string;
  /** y values at evenly spaced x from 0 to 1. */
  points: number[];
}

export function curveSvg(series: Series[], width = 560, height = 380): string {
  const m = { left: 50, right: 20, top: 20, bottom: 45 };
  const w = width - m.left - m.right, h = height - m.top - m.bottom;
  const x = (t: number) => m.left + t * w;
  const y = (v: number) => m.top + (1 - Math.max(-0.1, Math.min(1.1, v))) * h;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((t) =>
    `<line x1="${x(0)}" x2="${x(1)}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>` +
    `<text x="${m.left - 8}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>` +
    `<text x="${x(t)}" y="${m.top + h + 16}" text-anchor="middle" font-size="11">${t * 100}%</text>`,
  ).join('');
  const lines = series.map((s, k) => {
    const d = s.points.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i / (s.points.length - 1)).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>` +
      `<text x="${m.left + 10}" y="${m.top + 16 + k * 16}" fill="${s.color}" font-size="12">${s.name}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${grid}${lines}` +
    `<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle" font-size="12">share of prompts sent to the strong model</text>` +
    `<text transform="translate(14 ${m.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">weak→strong gap recovered</text></svg>\n`;
}
