-- 8: a case is found by its report's number, not by a second index on the
-- random ref (issue 11). Until 7 a new report wrote its random ref into two
-- B-trees: reports' own index and the UNIQUE index on cases.ref. A random key
-- lands on a leaf page of its own, so each report in a commit dirtied a page
-- of each, and a commit's WAL frames, their checkpoint and the CPU of a
-- submission grew with it (docs/benchmarks.md). Now `reports` names its row
-- number (`id INTEGER PRIMARY KEY`, the rowid it already had, so that VACUUM
-- cannot renumber it) and a case has its report's number as its own id. A
-- lookup by ref goes through reports' index once, `cases.ref` stays for the
-- queue's pages, and `cases.id REFERENCES reports(id)` keeps every case bound
-- to its report at the cost of a primary-key lookup.
--
-- The submission key's index holds only the form's keys: the API sends none,
-- and a NULL in a UNIQUE index was one more B-tree entry per report.
--
-- Both tables are rebuilt (SQLite cannot change a primary key or drop a
-- UNIQUE in place): the migration runs with foreign keys off and checks them
-- before it commits (db_sqlite.c, apply_migrations). This file may run a
-- second time (a test that rebuilds an older schema and upgrades again): the
-- rebuild then copies the tables as they are.
DROP TRIGGER IF EXISTS cases_on_answer;
DROP TRIGGER IF EXISTS cases_on_reporter_message;

CREATE TABLE reports_numbered (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	created_day TEXT NOT NULL,
	forms TEXT NOT NULL,
	signals TEXT NOT NULL,
	receipt_lookup BLOB NOT NULL UNIQUE,
	receipt_salt BLOB NOT NULL,
	key_for_receipt BLOB NOT NULL,
	key_for_team BLOB NOT NULL,
	content BLOB NOT NULL,
	submission_key BLOB
);
INSERT INTO reports_numbered (id, ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt,
			      key_for_receipt, key_for_team, content, submission_key)
	SELECT rowid, ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt, key_for_receipt,
	       key_for_team, content, submission_key
	FROM reports ORDER BY rowid;

CREATE TABLE cases_numbered (
	id INTEGER PRIMARY KEY REFERENCES reports(id),
	ref TEXT NOT NULL,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	created_day TEXT NOT NULL,
	form_bits INTEGER NOT NULL,            -- 1 sexual, 2 labour, 4 criminal, 8 unknown
	source TEXT NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'phone')),
	assigned_to INTEGER,                   -- a staff account's id; NULL: unassigned
	first_answer_day TEXT,
	reporter_waiting INTEGER NOT NULL DEFAULT 0, -- the reporter wrote after the last answer
	due_day TEXT NOT NULL,
	closed_day TEXT,
	closing_reason TEXT,
	destroy_day TEXT                       -- closed cases: destroyed on or after this day
);
INSERT INTO cases_numbered (id, ref, kind, status, created_day, form_bits, source, assigned_to, first_answer_day,
			    reporter_waiting, due_day, closed_day, closing_reason, destroy_day)
	SELECT reports.rowid, cases.ref, cases.kind, cases.status, cases.created_day, cases.form_bits, cases.source,
	       cases.assigned_to, cases.first_answer_day, cases.reporter_waiting, cases.due_day, cases.closed_day,
	       cases.closing_reason, cases.destroy_day
	FROM cases JOIN reports ON reports.ref = cases.ref ORDER BY reports.rowid;

-- dropping a table drops its indexes and triggers; foreign keys are off, so
-- this deletes nothing that refers to the rows
DROP TABLE cases;
DROP TABLE reports;
ALTER TABLE reports_numbered RENAME TO reports;
ALTER TABLE cases_numbered RENAME TO cases;

CREATE UNIQUE INDEX reports_by_submission_key ON reports(submission_key) WHERE submission_key IS NOT NULL;

CREATE INDEX cases_by_status ON cases(status, id);
CREATE INDEX cases_by_status_due ON cases(status, due_day, id);
CREATE INDEX cases_by_due ON cases(due_day, id);
CREATE INDEX cases_by_assignee ON cases(assigned_to, id);
CREATE INDEX cases_by_kind ON cases(kind, id);
CREATE INDEX cases_by_source ON cases(source, id);
CREATE INDEX cases_waiting ON cases(reporter_waiting, id);
CREATE INDEX cases_to_destroy ON cases(destroy_day) WHERE destroy_day IS NOT NULL;

-- the triggers of 5, 6 and 7, with the case found by its number
CREATE TRIGGER cases_on_report AFTER INSERT ON reports
BEGIN
	INSERT INTO cases (id, ref, kind, status, created_day, form_bits, due_day)
	VALUES (NEW.id, NEW.ref, NEW.kind, NEW.status, NEW.created_day,
		(instr(',' || NEW.forms || ',', ',sexual,') > 0) + 2 * (instr(',' || NEW.forms || ',', ',labour,') > 0) +
		4 * (instr(',' || NEW.forms || ',', ',criminal,') > 0) + 8 * (instr(',' || NEW.forms || ',', ',unknown,') > 0),
		date(NEW.created_day, '+' || (SELECT answer_days FROM case_settings) || ' days'));
END;
CREATE TRIGGER cases_on_status AFTER UPDATE OF status ON reports
BEGIN
	UPDATE cases SET status = NEW.status WHERE id = NEW.id;
END;
CREATE TRIGGER cases_on_answer AFTER INSERT ON messages WHEN NEW.sender = 'advice_point'
BEGIN
	UPDATE cases SET
		due_day = CASE WHEN first_answer_day IS NULL AND status IN ('new', 'in_progress')
			  THEN min(date(created_day, '+' || (SELECT feedback_months FROM case_settings) || ' months'),
				   date(created_day, 'start of month',
					'+' || ((SELECT feedback_months FROM case_settings) + 1) || ' months', '-1 day'))
			  ELSE due_day END,
		first_answer_day = coalesce(first_answer_day, NEW.created_day),
		reporter_waiting = 0
	WHERE id = (SELECT id FROM reports WHERE ref = NEW.report_ref);
END;
CREATE TRIGGER cases_on_reporter_message AFTER INSERT ON messages WHEN NEW.sender = 'reporter'
BEGIN
	UPDATE cases SET reporter_waiting = 1 WHERE id = (SELECT id FROM reports WHERE ref = NEW.report_ref);
END;
CREATE TRIGGER case_reads_go_with_the_case AFTER DELETE ON cases
BEGIN
	DELETE FROM case_reads WHERE ref = OLD.ref;
END;
CREATE TRIGGER case_counts_on_insert AFTER INSERT ON cases
BEGIN
	UPDATE case_counts SET count = count + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER case_counts_on_status AFTER UPDATE OF status ON cases
	WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE case_counts SET count = count - 1 WHERE status = OLD.status;
	UPDATE case_counts SET count = count + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER case_counts_on_delete AFTER DELETE ON cases
BEGIN
	UPDATE case_counts SET count = count - 1 WHERE status = OLD.status;
END;
