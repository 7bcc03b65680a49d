/**
 * Small line icons drawn as inline SVG: emoji glyphs depend on the fonts a system has (Debian's
 * chromium shows empty boxes for them), while these render the same everywhere and take the
 * text colour.
 */
const PATHS = {
  folder: 'M3 6.5A1.5 1.5 0 0 1 4.5 5h4.2l2 2.2h8.8A1.5 1.5 0 0 1 21 8.7v9.8a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z',
  file: 'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM14 3v4h4M8 12h8M8 16h6',
  check: 'M4.5 12.5l5 5 10-11',
  close: 'M6 6l12 12M18 6L6 18',
  'arrow-right': 'M4 12h15M13 6l6 6-6 6',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5L20 20',
  trash: 'M4 7h16M9 7V4.5h6V7M6.5 7l1 13h9l1-13M10 11v5.5M14 11v5.5',
  'sort-up': 'M12 5l5 6H7z',
  'sort-down': 'M12 19l-5-6h10z',
  sort: 'M12 4l4 5H8zM12 20l-4-5h8z',
  'chevron-left': 'M15 5l-7 7 7 7',
  'chevron-right': 'M9 5l7 7-7 7',
  lock: 'M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  alert: 'M12 3.5L21.5 20h-19zM12 10v4.5M12 17.2v.1',
  refresh: 'M19 12a7 7 0 1 1-2.05-4.95M19 4.5V9h-4.5',
  plus: 'M12 5v14M5 12h14',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7.5V12l3 2',
  stream: 'M3 8.5c3-3 6 3 9 0s6 3 9 0M3 15.5c3-3 6 3 9 0s6 3 9 0',
  copy: 'M9 9h10v11H9zM5 15V4h10',
} as const;

export type IconName = keyof typeof PATHS;

/** Filled shapes; every other icon is a stroke. */
const FILLED = new Set<IconName>(['sort-up', 'sort-down', 'sort']);

interface Props {
  name: IconName;
  /** Spoken name; without it the icon is decoration next to text that says the same. */
  label?: string;
  size?: number;
  className?: string;
}

export function Icon({ name, label, size = 16, className }: Props) {
  const filled = FILLED.has(name);
  const look = {
    className: `icon${className ? ` ${className}` : ''}`,
    width: size,
    height: size,
    viewBox: '0 0 24 24',
    fill: filled ? 'currentColor' : 'none',
    stroke: filled ? 'none' : 'currentColor',
    strokeWidth: 1.8,
    strokeLinecap: 'round' as const,
    strokeLinejoin: 'round' as const,
    'data-icon': name,
  };
  if (label) {
    return (
      <svg {...look} role="img" aria-label={label}>
        <title>{label}</title>
        <path d={PATHS[name]} />
      </svg>
    );
  }
  // Decoration beside text that says the same: hidden from screen readers.
  return (
    <svg {...look} aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
