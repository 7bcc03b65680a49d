-- Schema Registry: the tenant container of each org and sandbox (the global container ships with
-- the code). Bodies are kept in the XED form the API serves.
create table schema_registry_resources (
  org_id         text not null references orgs(id) on delete cascade,
  sandbox_id     uuid not null references sandboxes(id) on delete cascade,
  id             text not null,                 -- "$id": https://ns.adobe.com/{tenantId}/{type}/{hex}
  alt_id         text not null,                 -- "meta:altId": _{tenantId}.{type}.{hex}
  resource_type  text not null check (resource_type in ('classes', 'mixins', 'datatypes', 'schemas')),
  title          text not null,
  version        text not null default '1.0',
  etag           text not null,
  body           json not null,                 -- json, not jsonb: the order of fields is meaningful (ad-hoc columns)
  created_by     text not null,                 -- client id
  updated_by     text not null,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (org_id, sandbox_id, id),
  unique (org_id, sandbox_id, alt_id)
);

create index schema_registry_resources_by_type on schema_registry_resources (org_id, sandbox_id, resource_type, title);

-- One counter per sandbox, bumped by every write: compiled validators are cached per revision,
-- so every process notices a change made by any other.
create table schema_registry_revisions (
  org_id      text not null references orgs(id) on delete cascade,
  sandbox_id  uuid not null references sandboxes(id) on delete cascade,
  revision    bigint not null,
  primary key (org_id, sandbox_id)
);
