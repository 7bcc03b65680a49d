-- Schema Registry, second part: descriptors of tenant schemas, and the custom identity namespaces
-- they name (the standard namespaces ship with the code).

create table schema_registry_descriptors (
  org_id          text not null references orgs(id) on delete cascade,
  sandbox_id      uuid not null references sandboxes(id) on delete cascade,
  id              text not null,                 -- "@id": 48 hex digits
  descriptor_type text not null,                 -- "@type", e.g. xdm:descriptorIdentity
  source_schema   text not null,                 -- "xdm:sourceSchema" ($id)
  body            json not null,
  created_by      text not null,
  updated_by      text not null,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  primary key (org_id, sandbox_id, id)
);

create index schema_registry_descriptors_by_schema on schema_registry_descriptors (org_id, sandbox_id, source_schema);

-- Custom identity namespaces of an org, per sandbox. Ids are integers, like AEP's; codes are unique
-- without regard to case, across the standard namespaces too (checked by the service).
create table identity_namespaces (
  org_id       text not null references orgs(id) on delete cascade,
  sandbox_id   uuid not null references sandboxes(id) on delete cascade,
  id           bigint not null,
  code         text not null,
  code_lower   text not null,
  name         text not null,
  description  text not null default '',
  id_type      text not null,
  status       text not null default 'ACTIVE',
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  primary key (org_id, sandbox_id, id),
  unique (org_id, sandbox_id, code_lower)
);
