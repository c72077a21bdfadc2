-- 7: as db/sqlite/007_case_counts.sql, which keeps the queue's counts per
-- status in a table kept by triggers. Here nothing changes: counting stays an
-- index-only scan of cases_by_status, and a counter row written by every
-- report's transaction would make the commits of several servers on one
-- database wait for each other on that row. (The file is here because both
-- backends number their migrations alike; a command, not a query, is what the
-- migration runner expects.)
DO $$ BEGIN END $$;
