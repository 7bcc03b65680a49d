-- Incremental selection merges a flow's file listing with its manifest in code-point order (collate "C"),
-- reading the manifest by keyset pages: this index serves each page without sorting the flow's whole manifest.
create index flow_files_path_order on flow_files (flow_id, path collate "C", version_tag collate "C");
