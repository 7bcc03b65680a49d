-- Query Service's technical accounts (`/data/foundation/query/accounts`): credentials that do not expire, for
-- PostgreSQL clients (BI tools) that keep a password. An account belongs to an org; the database name of a login
-- chooses the sandbox. Only a salted hash of the secret is kept: it is shown once, when the account is made.
create table query_accounts (
  id text primary key,
  org_id text not null references orgs(id) on delete cascade,
  username text not null unique,
  secret_hash text not null,
  name text,
  description text,
  created_by text not null,
  created_at timestamptz not null default now()
);
create index query_accounts_org_idx on query_accounts (org_id, created_at);
