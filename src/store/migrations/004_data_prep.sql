-- Data Prep mapping sets. Every PUT adds a version; a version is never changed once written,
-- so a flow pinned to (id, version) always runs the mappings it was created with.
create table mapping_sets (
  id           text not null,               -- 32 hex digits, shared by all versions
  version      integer not null check (version >= 0),
  org_id       text not null references orgs(id) on delete cascade,
  sandbox_id   uuid not null references sandboxes(id) on delete cascade,
  name         text,
  xdm_schema   text not null,               -- the target schema's $id
  doc          jsonb not null,              -- the stored representation: mappings, schemas, flags
  created_by   text not null,
  modified_by  text not null,
  created_at   bigint not null,             -- epoch ms, as Data Prep shows them
  modified_at  bigint not null,
  primary key (id, version)
);
create index mapping_sets_scope_idx on mapping_sets (org_id, sandbox_id, id, version desc);
