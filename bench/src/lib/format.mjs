/** 41234 -> "41.2k", 1234567 -> "1.23M". */
export function formatOps(value) {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  return value.toFixed(0);
}

export function formatRatio(value) {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value >= 10 ? `${value.toFixed(1)}x` : `${value.toFixed(2)}x`;
}

export function formatBytes(value) {
  if (value === undefined) return '-';
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

export function formatMs(value) {
  if (value === undefined || Number.isNaN(value)) return '-';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function renderTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r) =>
    r.map((c, i) => (i === 0 ? (c ?? '').padEnd(widths[i]) : (c ?? '').padStart(widths[i]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** The same table as Markdown (for the README). */
export function renderMarkdown(header, rows) {
  const align = header.map((_, i) => (i === 0 ? ':---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
