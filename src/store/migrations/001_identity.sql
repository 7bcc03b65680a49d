-- Orgs, their sandboxes and API clients: the tenancy every other table is scoped by.
create table orgs (
  id          text primary key,               -- "<24 hex>@AdobeOrg"
  tenant_id   text not null unique,           -- the "_{TENANT_ID}" namespace of the Schema Registry, without "_"
  name        text not null,
  created_at  timestamptz not null default now()
);

create table sandboxes (
  id          uuid primary key,
  org_id      text not null references orgs(id) on delete cascade,
  name        text not null,
  title       text not null,
  type        text not null check (type in ('production', 'development')),
  state       text not null check (state in ('creating', 'active', 'resetting', 'deleted')),
  is_default  boolean not null default false,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (org_id, name)
);

create table api_clients (
  client_id      text primary key,            -- also the x-api-key
  org_id         text not null references orgs(id) on delete cascade,
  name           text not null,
  secret_hash    text not null,               -- scrypt, "salt:hash" in hex
  secret_version integer not null default 1,  -- bumped on rotation; tokens carry it
  revoked_at     timestamptz,
  created_at     timestamptz not null default now()
);
