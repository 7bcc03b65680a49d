-- Schema Registry audit log (GET /rpc/auditlog/{id}): one row per write of a tenant resource, with who made it,
-- when, and the changes as JSON Patch-like operations. Kept after the resource is deleted; a sandbox reset removes it.
create table schema_registry_audit (
  seq            bigint generated always as identity primary key,
  org_id         text not null references orgs(id) on delete cascade,
  sandbox_id     uuid not null references sandboxes(id) on delete cascade,
  resource_id    text not null,
  alt_id         text not null,
  resource_type  text not null,
  client_id      text not null,
  request_id     text not null,
  updated_at     timestamptz not null default now(),
  updates        jsonb not null
);
create index schema_registry_audit_by_resource on schema_registry_audit (org_id, sandbox_id, resource_id, seq);
create index schema_registry_audit_by_alt_id on schema_registry_audit (org_id, sandbox_id, alt_id);
