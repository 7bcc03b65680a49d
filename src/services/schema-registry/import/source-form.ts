/**
 * Conversion from the XDM repository's JSON-LD "source form" (`xdm:person`, `@id`,
 * `repo:createDate`, URI keys) to the "XED form" the Schema Registry API serves.
 * Used by the import script (standard library) and to turn source-form example data into
 * XED-shaped rows. The rules are those of NAMESPACES.md in adobe/xdm.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `foo-bar-baz` → `fooBarBaz`: XED field names are camelCase. */
function camel(segment: string): string {
  return segment.replace(/-+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The XED path of one source key: one segment for `xdm:foo`, two or more when the key
 * carries a namespace that XED expresses as a parent object (`repo:createDate` →
 * `_repo.createDate`, `https://ns.adobe.com/experience/analytics/x` → `_experience.analytics.x`).
 */
export function xedPath(key: string): string[] {
  if (key.startsWith('xdm:')) return [camel(key.slice(4))];
  if (key.startsWith('@')) return [`_${key.slice(1)}`];
  const uri = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(key);
  if (uri) {
    let rest = uri[1]!;
    let segments: string[];
    if (rest.startsWith('ns.adobe.com/')) {
      rest = rest.startsWith('ns.adobe.com/xdm/') ? rest.slice('ns.adobe.com/xdm/'.length) : rest.slice('ns.adobe.com/'.length);
      segments = rest.split(/[/:]/);
    } else {
      // Third-party namespaces nest one object per host label and path segment.
      const [host, ...path] = rest.split('/');
      segments = [...host!.split('.'), ...path.flatMap((p) => p.split(':'))];
    }
    segments = segments.filter((s) => s !== '').map(camel);
    segments[0] = `_${segments[0]}`;
    return segments;
  }
  const prefixed = /^([A-Za-z][\w-]*):(.+)$/.exec(key);
  if (prefixed) return [`_${prefixed[1]}`, camel(prefixed[2]!)];
  return [key];
}

/** Puts `schema` at `path` below a `properties` map, creating the namespace objects on the way. */
function placeProperty(target: JsonObject, path: string[], schema: Json): void {
  let properties = target;
  for (const segment of path.slice(0, -1)) {
    const existing = properties[segment];
    const holder: JsonObject = isObject(existing) ? existing : { type: 'object', 'meta:xdmType': 'object', properties: {} };
    if (!isObject(holder.properties)) holder.properties = {};
    properties[segment] = holder;
    properties = holder.properties as JsonObject;
  }
  const last = path[path.length - 1]!;
  const existing = properties[last];
  // Two source keys can meet on one XED object (`_repo` from two `repo:` keys): merge them.
  properties[last] =
    isObject(existing) && isObject(schema)
      ? {
          ...schema,
          ...existing,
          properties: { ...(isObject(schema.properties) ? schema.properties : {}), ...(isObject(existing.properties) ? existing.properties : {}) },
        }
      : schema;
}

/** `required` names become XED names; a namespaced name is required on its namespace object too. */
function placeRequired(properties: JsonObject, names: string[]): string[] {
  const top: string[] = [];
  for (const name of names) {
    const path = xedPath(name);
    if (!top.includes(path[0]!)) top.push(path[0]!);
    let holder = properties;
    for (let i = 0; i < path.length - 1; i++) {
      const child = holder[path[i]!];
      if (!isObject(child)) break;
      const required = Array.isArray(child.required) ? (child.required as string[]) : [];
      if (!required.includes(path[i + 1]!)) required.push(path[i + 1]!);
      child.required = required;
      holder = isObject(child.properties) ? child.properties : {};
    }
  }
  return top;
}

/** A JSON pointer into a source document, with its property names turned into XED names. */
export function xedPointer(pointer: string): string {
  const parts = pointer.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i > 0 && parts[i - 1] === 'properties' && part !== '') out.push(xedPath(part).join('/properties/'));
    else out.push(part);
  }
  return out.join('/');
}

/** Keys that exist only for the repository (localisation, licensing, JSON-LD meta-schema). */
const DROPPED_KEYS = new Set(['meta:titleId', 'meta:descriptionId', 'meta:license', '$schema']);

/** Converts a schema node (any depth) from source to XED form. */
export function toXedSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toXedSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, schema] of Object.entries(value)) {
        const converted = toXedSchema(schema);
        const path = xedPath(name);
        if (isObject(converted) && path.join('.') !== name) converted['meta:xdmField'] = name;
        placeProperty(properties, path, converted);
      }
      out.properties = properties;
    } else if (key === 'definitions' && isObject(value)) {
      // Definition names are not field names: keep them, convert what they hold.
      out.definitions = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toXedSchema(v)]));
    } else if (key === 'patternProperties' || key === 'meta:enum' || key === 'enum' || key === 'const' || key === 'default' || key === 'examples') {
      out[key] = value; // values, not field names
    } else if (key === '$ref' && typeof value === 'string') {
      const hash = value.indexOf('#');
      out.$ref = hash < 0 ? value : value.slice(0, hash) + '#' + xedPointer(value.slice(hash + 1));
    } else {
      out[key] = toXedSchema(value);
    }
  }
  if (Array.isArray(node.required) && isObject(out.properties)) {
    out.required = placeRequired(out.properties, node.required as string[]);
  } else if (Array.isArray(node.required)) {
    // Required names of a node whose properties come from allOf parts: rename only.
    out.required = [...new Set((node.required as string[]).map((n) => xedPath(n)[0]!))];
  }
  return out;
}

/** Converts instance data (an example record) from source to XED keys. */
export function toXedInstance(value: Json): Json {
  if (Array.isArray(value)) return value.map(toXedInstance);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const path = xedPath(key);
    let holder = out;
    for (const segment of path.slice(0, -1)) {
      if (!isObject(holder[segment])) holder[segment] = {};
      holder = holder[segment] as JsonObject;
    }
    holder[path[path.length - 1]!] = toXedInstance(child);
  }
  return out;
}
