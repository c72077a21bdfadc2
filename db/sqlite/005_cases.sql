-- 5: case work (issue 15). The queue reads `cases`, a row per report with the
-- metadata the team filters and sorts on, so that a queue page is one index
-- range at 100,000 to 1,000,000 reports and never touches the encrypted rows.
-- Triggers keep it in step with the report and message writes that report.c
-- makes (a new report, an answer, the reporter writing again), so no writer
-- can forget it. Every statement is IF NOT EXISTS / OR IGNORE / NOT EXISTS: a
-- test that rebuilds an older schema and upgrades again runs this file a second
-- time (after 008, cases.ref is no longer UNIQUE, so OR IGNORE alone would not
-- keep a second copy of every case out).
--
-- Days are YYYY-MM-DD (UTC), as everywhere. due_day is the next deadline: the
-- first answer (answer_days after receipt) until there is one, then feedback
-- (feedback_months after receipt) until the case is referred or closed, then
-- '9999-12-31' (nothing due), so that "most urgent first" is one index order.
CREATE TABLE IF NOT EXISTS case_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	answer_days INTEGER NOT NULL,
	feedback_months INTEGER NOT NULL
);
INSERT OR IGNORE INTO case_settings (id, answer_days, feedback_months) VALUES (1, 7, 3);
CREATE TABLE IF NOT EXISTS cases (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE REFERENCES reports(ref),
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
-- one index per filter, each ending in the sort column, so that a filtered
-- page is read in order from its index and stops after 51 rows
CREATE INDEX IF NOT EXISTS cases_by_status ON cases(status, id);
CREATE INDEX IF NOT EXISTS cases_by_status_due ON cases(status, due_day, id);
CREATE INDEX IF NOT EXISTS cases_by_due ON cases(due_day, id);
CREATE INDEX IF NOT EXISTS cases_by_assignee ON cases(assigned_to, id);
CREATE INDEX IF NOT EXISTS cases_by_kind ON cases(kind, id);
CREATE INDEX IF NOT EXISTS cases_by_source ON cases(source, id);
CREATE INDEX IF NOT EXISTS cases_waiting ON cases(reporter_waiting, id);
CREATE INDEX IF NOT EXISTS cases_to_destroy ON cases(destroy_day) WHERE destroy_day IS NOT NULL;

-- reports stored before this version
INSERT OR IGNORE INTO cases (ref, kind, status, created_day, form_bits, due_day)
	SELECT ref, kind, status, created_day,
	       (instr(',' || forms || ',', ',sexual,') > 0) + 2 * (instr(',' || forms || ',', ',labour,') > 0) +
	       4 * (instr(',' || forms || ',', ',criminal,') > 0) + 8 * (instr(',' || forms || ',', ',unknown,') > 0),
	       CASE WHEN status IN ('new', 'in_progress')
		    THEN date(created_day, '+' || (SELECT answer_days FROM case_settings) || ' days')
		    ELSE '9999-12-31' END
	FROM reports WHERE NOT EXISTS (SELECT 1 FROM cases WHERE cases.ref = reports.ref) ORDER BY rowid;

CREATE TRIGGER IF NOT EXISTS cases_on_report AFTER INSERT ON reports
BEGIN
	INSERT INTO cases (ref, kind, status, created_day, form_bits, due_day)
	VALUES (NEW.ref, NEW.kind, NEW.status, NEW.created_day,
		(instr(',' || NEW.forms || ',', ',sexual,') > 0) + 2 * (instr(',' || NEW.forms || ',', ',labour,') > 0) +
		4 * (instr(',' || NEW.forms || ',', ',criminal,') > 0) + 8 * (instr(',' || NEW.forms || ',', ',unknown,') > 0),
		date(NEW.created_day, '+' || (SELECT answer_days FROM case_settings) || ' days'));
END;
CREATE TRIGGER IF NOT EXISTS cases_on_status AFTER UPDATE OF status ON reports
BEGIN
	UPDATE cases SET status = NEW.status WHERE ref = NEW.ref;
END;
-- The first answer moves the deadline from "answer" to "feedback". Months are
-- added as a calendar does (30 November + 3 months = 28 February, never 2 March).
CREATE TRIGGER IF NOT EXISTS cases_on_answer AFTER INSERT ON messages WHEN NEW.sender = 'advice_point'
BEGIN
	UPDATE cases SET
		due_day = CASE WHEN first_answer_day IS NULL AND status IN ('new', 'in_progress')
			  THEN min(date(created_day, '+' || (SELECT feedback_months FROM case_settings) || ' months'),
				   date(created_day, 'start of month',
					'+' || ((SELECT feedback_months FROM case_settings) + 1) || ' months', '-1 day'))
			  ELSE due_day END,
		first_answer_day = coalesce(first_answer_day, NEW.created_day),
		reporter_waiting = 0
	WHERE ref = NEW.report_ref;
END;
CREATE TRIGGER IF NOT EXISTS cases_on_reporter_message AFTER INSERT ON messages WHEN NEW.sender = 'reporter'
BEGIN
	UPDATE cases SET reporter_waiting = 1 WHERE ref = NEW.report_ref;
END;

-- Internal notes: only the team reads them (encrypted with the report key,
-- bound to the report, the number and the kind); never shown to the reporter.
-- kind: 'note', or the written reason of a retention extension ('retention')
-- or of a referral override ('override').
CREATE TABLE IF NOT EXISTS case_notes (
	id INTEGER PRIMARY KEY,
	report_ref TEXT NOT NULL REFERENCES reports(ref),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	author TEXT NOT NULL,
	at INTEGER NOT NULL,
	body BLOB NOT NULL,
	UNIQUE (report_ref, seq)
);
-- Referrals to partners: a record of what was handed over, never the data.
CREATE TABLE IF NOT EXISTS referrals (
	id INTEGER PRIMARY KEY,
	report_ref TEXT NOT NULL REFERENCES reports(ref),
	partner TEXT NOT NULL,
	day TEXT NOT NULL,
	categories INTEGER NOT NULL,
	consent TEXT NOT NULL CHECK (consent IN ('given', 'refused', 'not_asked', 'not_possible')),
	override TEXT CHECK (override IS NULL OR override IN ('acute_danger', 'minor')),
	author TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS referrals_by_report ON referrals(report_ref, id);
-- What survives a destroyed or withdrawn report: counts, by the month it
-- came in, its kind and how it ended.
CREATE TABLE IF NOT EXISTS case_statistics (
	month TEXT NOT NULL,
	kind TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('destroyed', 'withdrawn')),
	count INTEGER NOT NULL,
	PRIMARY KEY (month, kind, outcome)
);
