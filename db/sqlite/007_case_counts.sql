-- 7: the queue's counts per status, kept by the schema (issue 15). Every queue
-- page shows them; counting the cases each time stepped through the whole
-- status index (at 1,000,000 reports 80-100 ms a page, docs/benchmarks.md).
-- Triggers on `cases` keep four rows in step with every write that adds a
-- case, moves its status or destroys it, so a page reads four rows. This file
-- may run a second time (a test that rebuilds an older schema and upgrades
-- again): the counts are then made anew from the cases there are.
CREATE TABLE IF NOT EXISTS case_counts (
	status TEXT PRIMARY KEY,
	count INTEGER NOT NULL
) WITHOUT ROWID;
DELETE FROM case_counts;
INSERT INTO case_counts (status, count)
	SELECT status, (SELECT count(*) FROM cases WHERE cases.status = statuses.status)
	FROM (SELECT 'new' AS status UNION ALL SELECT 'in_progress' UNION ALL SELECT 'referred'
	      UNION ALL SELECT 'closed') AS statuses;
CREATE TRIGGER IF NOT EXISTS case_counts_on_insert AFTER INSERT ON cases
BEGIN
	UPDATE case_counts SET count = count + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER IF NOT EXISTS case_counts_on_status AFTER UPDATE OF status ON cases
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE case_counts SET count = count - 1 WHERE status = OLD.status;
	UPDATE case_counts SET count = count + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER IF NOT EXISTS case_counts_on_delete AFTER DELETE ON cases
BEGIN
	UPDATE case_counts SET count = count - 1 WHERE status = OLD.status;
END;
