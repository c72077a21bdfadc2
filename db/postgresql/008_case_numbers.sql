-- 8: as db/sqlite/008_case_numbers.sql for the submission key: its UNIQUE
-- index holds only the HTML form's keys. The API sends none, and a NULL is an
-- index entry too, one more B-tree insert per report for nothing.
--
-- The case part of SQLite's 008 (a case found by its report's number instead
-- of a second index on the random ref) is not done here: PostgreSQL's case
-- statements look cases up by ref (db_pg.c), and PostgreSQL's submission path
-- is bound by its round trips, not by that index (docs/benchmarks.md).
DROP INDEX IF EXISTS reports_by_submission_key;
CREATE UNIQUE INDEX reports_by_submission_key ON reports(submission_key) WHERE submission_key IS NOT NULL;
