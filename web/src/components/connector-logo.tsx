import type { ReactNode } from 'react';

/**
 * A logo per connector, drawn here from simple shapes in each provider's colour (a tile with a
 * pictogram), so the catalog is recognisable at a glance without shipping anyone's artwork.
 */
interface Mark {
  tile: string;
  /** Pictogram colour on the tile. */
  ink: string;
  art: (ink: string, tile: string) => ReactNode;
}

const cylinder = (ink: string, tile: string, x: number, y: number, w: number, h: number) => (
  <>
    <path d={`M${x} ${y}v${h}a${w / 2} ${w / 6} 0 0 0 ${w} 0v-${h}`} fill={ink} />
    <ellipse cx={x + w / 2} cy={y} rx={w / 2} ry={w / 6} fill={ink} stroke={tile} strokeWidth={1.2} />
  </>
);

const folder = (ink: string) => (
  <path d="M6 10.5a1.5 1.5 0 0 1 1.5-1.5h5l2 2h10a1.5 1.5 0 0 1 1.5 1.5V22a1.5 1.5 0 0 1-1.5 1.5h-17A1.5 1.5 0 0 1 6 22z" fill={ink} />
);

const MARKS: Record<string, Mark> = {
  'amazon-s3': {
    tile: '#e25444',
    ink: '#fff',
    // A bucket: open rim over a tapering pail.
    art: (ink, tile) => (
      <>
        <path d="M8 11h16l-2.2 12.2a2 2 0 0 1-2 1.6h-7.6a2 2 0 0 1-2-1.6z" fill={ink} />
        <ellipse cx="16" cy="11" rx="8" ry="2.4" fill={ink} stroke={tile} strokeWidth="1.4" />
        <path d="M11.5 17.5h9" stroke={tile} strokeWidth="1.4" />
      </>
    ),
  },
  'google-cloud-storage': {
    tile: '#4285f4',
    ink: '#fff',
    // A hexagon holding three storage shelves.
    art: (ink, tile) => (
      <>
        <path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill={ink} />
        <path d="M11.5 12.5h9M11.5 16h9M11.5 19.5h9" stroke={tile} strokeWidth="2" strokeLinecap="round" />
      </>
    ),
  },
  'azure-blob': {
    tile: '#0078d4',
    ink: '#fff',
    // Blobs: three containers of different heights.
    art: (ink, tile) => (
      <>
        {cylinder(ink, tile, 6, 14, 6, 9)}
        {cylinder(ink, tile, 13, 9, 6, 14)}
        {cylinder(ink, tile, 20, 12, 6, 11)}
      </>
    ),
  },
  'adls-gen2': {
    tile: '#005ba1',
    ink: '#fff',
    // A store over the waves of a lake.
    art: (ink, tile) => (
      <>
        {cylinder(ink, tile, 10, 7, 12, 10)}
        <path
          d="M5 21.5c2.2-1.6 4.4-1.6 6.6 0s4.4 1.6 6.6 0 4.4-1.6 6.6 0M5 25.5c2.2-1.6 4.4-1.6 6.6 0s4.4 1.6 6.6 0 4.4-1.6 6.6 0"
          stroke={ink}
          strokeWidth="1.8"
          fill="none"
          strokeLinecap="round"
        />
      </>
    ),
  },
  'azure-file-storage': {
    tile: '#0078d4',
    ink: '#fff',
    // A shared folder: a folder with a second one behind it.
    art: (ink, tile) => (
      <>
        <path d="M9 8h5l1.5 1.5H25a1 1 0 0 1 1 1V19" stroke={ink} strokeWidth="1.6" fill="none" strokeLinejoin="round" />
        {folder(ink)}
        <path d="M10 18h12" stroke={tile} strokeWidth="1.6" strokeLinecap="round" />
      </>
    ),
  },
  sftp: {
    tile: '#2f3b4c',
    ink: '#fff',
    // A padlock over a terminal prompt.
    art: (ink, tile) => (
      <>
        <path d="M11.5 14v-3a4.5 4.5 0 0 1 9 0v3" stroke={ink} strokeWidth="2.2" fill="none" />
        <rect x="8.5" y="14" width="15" height="11" rx="1.8" fill={ink} />
        <path d="M12 17.5l2.5 2-2.5 2M16.5 22h3.5" stroke={tile} strokeWidth="1.6" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      </>
    ),
  },
  hdfs: {
    tile: '#f4c20d',
    ink: '#1d2330',
    // Blocks spread over three data nodes, under the name node.
    art: (ink) => (
      <>
        <rect x="12" y="5.5" width="8" height="6" rx="1" fill={ink} />
        <path d="M16 11.5v3M9 14.5h14M9 14.5v3M16 14.5v3M23 14.5v3" stroke={ink} strokeWidth="1.6" fill="none" />
        <rect x="5.5" y="17.5" width="7" height="8" rx="1" fill={ink} />
        <rect x="12.5" y="17.5" width="7" height="8" rx="1" fill={ink} />
        <rect x="19.5" y="17.5" width="7" height="8" rx="1" fill={ink} />
      </>
    ),
  },
  'local-folder': {
    tile: '#5b6474',
    ink: '#fff',
    // A folder on a laptop's base.
    art: (ink, tile) => (
      <>
        {folder(ink)}
        <path d="M12 16.5h8" stroke={tile} strokeWidth="1.6" strokeLinecap="round" />
        <path d="M4.5 26h23" stroke={ink} strokeWidth="2" strokeLinecap="round" />
      </>
    ),
  },
  kinesis: {
    tile: '#8c4fff',
    ink: '#fff',
    // Streams: three waves flowing right.
    art: (ink) => (
      <path
        d="M5 11c3-3 6-3 9 0s6 3 9 0M5 16.5c3-3 6-3 9 0s6 3 9 0M5 22c3-3 6-3 9 0s6 3 9 0M24.5 9.5l2.5 1.5-2.5 1.5"
        stroke={ink}
        strokeWidth="2.2"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    ),
  },
  eventhub: {
    tile: '#0063b1',
    ink: '#fff',
    // A hub: events from four sides meeting in the middle.
    art: (ink) => (
      <>
        <path d="M16 16L8 8M16 16l8-8M16 16l-8 8M16 16l8 8" stroke={ink} strokeWidth="1.8" />
        <circle cx="16" cy="16" r="4.5" fill={ink} />
        <circle cx="7.5" cy="7.5" r="2.5" fill={ink} />
        <circle cx="24.5" cy="7.5" r="2.5" fill={ink} />
        <circle cx="7.5" cy="24.5" r="2.5" fill={ink} />
        <circle cx="24.5" cy="24.5" r="2.5" fill={ink} />
      </>
    ),
  },
  'http-api': {
    tile: '#0f7f74',
    ink: '#fff',
    // Angle brackets and a slash: an endpoint that takes requests.
    art: (ink) => (
      <path
        d="M11 10l-6 6 6 6M21 10l6 6-6 6M18.5 8.5l-5 15"
        stroke={ink}
        strokeWidth="2.4"
        fill="none"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    ),
  },
};

const ALIASES: Record<string, string> = {
  s3: 'amazon-s3',
  gcs: 'google-cloud-storage',
  'google-cloud': 'google-cloud-storage',
  blob: 'azure-blob',
  'azure-data-lake-storage-gen2': 'adls-gen2',
  'azure-files': 'azure-file-storage',
  'aws-kinesis': 'kinesis',
  'event-hubs': 'eventhub',
  'azure-event-hubs': 'eventhub',
  http: 'http-api',
  'http-inlet': 'http-api',
  'streaming-http': 'http-api',
};

const FALLBACK: Mark = {
  tile: '#6b7785',
  ink: '#fff',
  art: (ink, tile) => cylinder(ink, tile, 9, 9, 14, 14),
};

/** The mark for a connection spec's `name` (e.g. `amazon-s3`). */
export function markFor(specName: string): Mark {
  const key = specName.toLowerCase();
  return MARKS[key] ?? MARKS[ALIASES[key] ?? ''] ?? FALLBACK;
}

/** The connector's logo; decoration beside its name, so hidden from screen readers. */
export function ConnectorLogo({ specName, size = 40 }: { specName: string; size?: number }) {
  const mark = markFor(specName);
  // data-logo names the mark drawn ("generic" for a connector without its own), for tests and styling.
  return (
    <svg
      className="logo"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
      data-logo={mark === FALLBACK ? 'generic' : specName}
    >
      <rect width="32" height="32" rx="7" fill={mark.tile} />
      {mark.art(mark.ink, mark.tile)}
    </svg>
  );
}
