-- 6: what the case page and the follow-up need to read (issue 15). Every
-- statement is IF NOT EXISTS, as in 005: a test that rebuilds an older schema
-- and upgrades again runs this file a second time.
--
-- A case's history is the audit entries with its ref as their object: one
-- index range instead of a scan of the whole log.
CREATE INDEX IF NOT EXISTS audit_log_by_object ON audit_log(object, seq);
-- The highest message number the reporter has been shown at follow-up, so
-- that answers that came after it are marked as new to them. A number, not a
-- time: nothing more is kept about when someone looked. A table of its own
-- (not a column of cases) so that this file can run twice; it goes with the
-- case when the case is destroyed.
CREATE TABLE IF NOT EXISTS case_reads (
	ref TEXT PRIMARY KEY,
	seen_seq INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS case_reads_go_with_the_case AFTER DELETE ON cases
BEGIN
	DELETE FROM case_reads WHERE ref = OLD.ref;
END;
