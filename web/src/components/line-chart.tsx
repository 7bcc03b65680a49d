export interface Series {
  label: string;
  values: number[];
  className: string;
}

interface Props {
  title: string;
  /** One label per point (the runs' start times). */
  labels: string[];
  series: Series[];
  format?: (n: number) => string;
}

// Drawn in a 320-unit box that scales to the card: the text is sized so that it stays 12 px or more on screen.
const W = 320;
const H = 170;
const PAD = { left: 58, right: 14, top: 14, bottom: 30 };

/** A small SVG line chart of run metrics over time; a table of the same numbers follows for screen readers. */
export function LineChart({ title, labels, series, format = String }: Props) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  // All zero (a stream with no lag): the 1 the scale falls back to is no value of the chart, so only 0 is labelled.
  const ticks = series.some((s) => s.values.some((v) => v > 0)) ? [0, 0.5, 1] : [0];
  const n = labels.length;
  const x = (i: number) => PAD.left + (n <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${title}: ${series.map((s) => `${s.label} ${s.values.map(format).join(', ')}`).join('; ')}`}
      >
        <line x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis" />
        {ticks.map((f) => (
          <g key={f}>
            {f > 0 ? <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" /> : null}
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end" className="tick">
              {f === 0 ? '0' : format(max * f)}
            </text>
          </g>
        ))}
        {n > 0 ? (
          <>
            <text x={x(0)} y={H - 8} textAnchor={n > 1 ? 'start' : 'middle'} className="tick">
              {labels[0]}
            </text>
            {n > 1 ? (
              <text x={x(n - 1)} y={H - 8} textAnchor="end" className="tick">
                {labels[n - 1]}
              </text>
            ) : null}
          </>
        ) : null}
        {series.map((s) => (
          <g key={s.label} className={s.className}>
            <polyline fill="none" points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
            {s.values.map((v, i) => (
              <circle key={i} cx={x(i)} cy={y(v)} r={3}>
                <title>{`${labels[i]}: ${s.label} ${format(v)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.label} className={s.className}>
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
