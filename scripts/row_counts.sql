-- Exact row count of every table of the application (schema public), one "table<TAB>count" line
-- each, in a stable order. Used by scripts/backup.sh (inside the transaction whose snapshot
-- pg_dump reads, so the counts are those of the dump) and scripts/restore.sh (on the restored
-- database), which compares the two.
SELECT c.relname,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                           false, true, '')))[1]::text
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
 ORDER BY c.relname COLLATE "C";
