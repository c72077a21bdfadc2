-- 9: as db/sqlite/009_waiting_index.sql: the index of reporters waiting for
-- an answer holds only those cases, so a new report (waiting 0) no longer
-- writes an entry in it. The queue's filter, `reporter_waiting = 1`, is the
-- index's own WHERE, so the planner can still use it.
DROP INDEX IF EXISTS cases_waiting;
CREATE INDEX cases_waiting ON cases(id) WHERE reporter_waiting = 1;
