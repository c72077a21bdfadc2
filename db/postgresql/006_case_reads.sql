-- 6: what the case page and the follow-up need to read (issue 15); as
-- db/sqlite/006_case_reads.sql.
-- A case's history is the audit entries with its ref as their object: one
-- index range, not a scan of the log.
CREATE INDEX IF NOT EXISTS audit_log_by_object ON audit_log (object, seq);
-- The highest message number the reporter has been shown at follow-up (a
-- number, not a time), so that later answers are marked as new to them. It
-- goes with the case when the case is destroyed.
CREATE TABLE IF NOT EXISTS case_reads (
	ref text PRIMARY KEY REFERENCES cases (ref) ON DELETE CASCADE,
	seen_seq integer NOT NULL
);
