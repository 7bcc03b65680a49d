-- Each dataset's Query Service table name (its `adobe/pqs/table` tag) is unique within its sandbox, as in AEP: a
-- dataset named like an existing one gets the name with a numeric suffix (`_1`, `_2`, …). Datasets made before this
-- keep the tag they had; the later ones of a clashing group get the suffix, in the order they were created.
alter table datasets add column table_name text;

update datasets d
set table_name = case when n.rank = 1 then n.base else n.base || '_' || (n.rank - 1) end
from (
  select id, base, row_number() over (partition by org_id, sandbox_id, base order by created_at, id) as rank
  from (
    select id, org_id, sandbox_id, created_at,
      coalesce(
        case when jsonb_typeof(tags->'adobe/pqs/table') = 'array' then lower(tags->'adobe/pqs/table'->>0) end,
        nullif(trim(both '_' from regexp_replace(lower(name), '[^a-z0-9_]+', '_', 'g')), ''),
        '_' || id
      ) as base
    from datasets
  ) b
) n
where d.id = n.id;

update datasets
set tags = jsonb_set(tags, '{adobe/pqs/table}', jsonb_build_array(table_name))
where tags->'adobe/pqs/table' is distinct from jsonb_build_array(table_name);

alter table datasets alter column table_name set not null;
create unique index datasets_table_name_idx on datasets (org_id, sandbox_id, table_name);
