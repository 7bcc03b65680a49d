/**
 * The registry's Accept header contract: lists take `xed-id` (summaries) or `xed` (whole
 * resources); a single resource needs a variant and a major version
 * (`application/vnd.adobe.xed-full-notext+json; version=1`, `version=1.0` too).
 */
import { ServiceError, invalid } from '../../services/errors.js';
import type { DescriptorListView, ResourceView } from '../../services/schema-registry/index.js';

const MEDIA = /^application\/vnd\.adobe\.(xed|xed-id|xed-full|xed-notext|xed-full-notext|xed-full-desc)\+json$/i;
/** The only major version of every resource this registry holds. */
const SUPPORTED_MAJOR = 1;

interface Parsed {
  variant: string;
  version?: string;
}

function parse(header: string | undefined): Parsed | undefined {
  for (const candidate of (header ?? '').split(',')) {
    const [media, ...params] = candidate.split(';').map((s) => s.trim());
    const m = MEDIA.exec(media ?? '');
    if (!m) continue;
    const version = params.map((p) => /^version\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return { variant: m[1]!.toLowerCase(), ...(version !== undefined ? { version } : {}) };
  }
  return undefined;
}

const badAccept = (header: string | undefined, expected: string) =>
  invalid(`Accept header '${header ?? ''}' is not valid here; expected ${expected}`, 'XDM-1006-400');

/** Lists: `true` for `xed-id` summaries, `false` for whole resources. */
export function listAccept(header: string | undefined): boolean {
  const parsed = parse(header);
  if (!parsed || (parsed.variant !== 'xed-id' && parsed.variant !== 'xed')) {
    throw badAccept(header, 'application/vnd.adobe.xed-id+json or application/vnd.adobe.xed+json');
  }
  return parsed.variant === 'xed-id';
}

/** Single resources: which view, once the version is known to exist. */
export function resourceAccept(header: string | undefined): ResourceView {
  const parsed = parse(header);
  const expected = 'application/vnd.adobe.xed[-full][-notext]+json; version={major}';
  if (!parsed || parsed.variant === 'xed-id' || parsed.version === undefined) throw badAccept(header, expected);
  const version = /^(\d+)(?:\.\d+)?$/.exec(parsed.version);
  if (!version) throw badAccept(header, expected);
  if (Number(version[1]) !== SUPPORTED_MAJOR) {
    throw new ServiceError('not_acceptable', `Version ${parsed.version} of this resource does not exist`, 'XDM-1007-406');
  }
  return { full: parsed.variant.startsWith('xed-full'), text: !parsed.variant.endsWith('-notext'), descriptors: parsed.variant === 'xed-full-desc' };
}

const DESCRIPTOR_MEDIA = /^application\/vnd\.adobe\.xdm(-v2)?(-id|-link)?\+json$/i;

/** Descriptor lists speak `xdm`, not `xed`: `xdm+json` objects, `xdm-id` ids, `xdm-link` paths; `-v2` pages them. */
export function descriptorListAccept(header: string | undefined): DescriptorListView {
  for (const candidate of (header ?? '').split(',')) {
    const m = DESCRIPTOR_MEDIA.exec(candidate.split(';')[0]!.trim());
    if (m) return { paged: m[1] !== undefined, form: m[2]?.toLowerCase() === '-id' ? 'ids' : m[2]?.toLowerCase() === '-link' ? 'links' : 'objects' };
  }
  throw invalid(
    `The supplied Accept header is not valid: ${header ?? ''} - A valid Accept value should look like application/vnd.adobe.xdm-id+json`,
    'XDM-1008-400',
  );
}
