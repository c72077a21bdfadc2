-- 5: case work (issue 15), as db/sqlite/005_cases.sql: the queue's table
-- `cases` kept in step with reports and messages by triggers, internal notes,
-- referrals and the counts that survive destruction. Days are 'YYYY-MM-DD'
-- text, as in reports; due_day '9999-12-31' means nothing is due.
-- Note for the backend: PostgreSQL has no secure_delete; destroyed rows stay
-- in the table's pages until VACUUM reuses them (docs/architecture.md).
CREATE TABLE IF NOT EXISTS case_settings (
	id integer PRIMARY KEY CHECK (id = 1),
	answer_days integer NOT NULL,
	feedback_months integer NOT NULL
);
INSERT INTO case_settings (id, answer_days, feedback_months) VALUES (1, 7, 3) ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS cases (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ref text NOT NULL UNIQUE REFERENCES reports(ref),
	kind text NOT NULL,
	status text NOT NULL,
	created_day text NOT NULL,
	form_bits integer NOT NULL,
	source text NOT NULL DEFAULT 'online' CHECK (source IN ('online', 'phone')),
	assigned_to bigint,
	first_answer_day text,
	reporter_waiting integer NOT NULL DEFAULT 0,
	due_day text NOT NULL,
	closed_day text,
	closing_reason text,
	destroy_day text
);
CREATE INDEX IF NOT EXISTS cases_by_status ON cases(status, id);
CREATE INDEX IF NOT EXISTS cases_by_status_due ON cases(status, due_day, id);
CREATE INDEX IF NOT EXISTS cases_by_due ON cases(due_day, id);
CREATE INDEX IF NOT EXISTS cases_by_assignee ON cases(assigned_to, id);
CREATE INDEX IF NOT EXISTS cases_by_kind ON cases(kind, id);
CREATE INDEX IF NOT EXISTS cases_by_source ON cases(source, id);
CREATE INDEX IF NOT EXISTS cases_waiting ON cases(reporter_waiting, id);
CREATE INDEX IF NOT EXISTS cases_to_destroy ON cases(destroy_day) WHERE destroy_day IS NOT NULL;

CREATE OR REPLACE FUNCTION case_form_bits(forms text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
	SELECT (CASE WHEN position(',sexual,' IN ',' || forms || ',') > 0 THEN 1 ELSE 0 END) +
	       (CASE WHEN position(',labour,' IN ',' || forms || ',') > 0 THEN 2 ELSE 0 END) +
	       (CASE WHEN position(',criminal,' IN ',' || forms || ',') > 0 THEN 4 ELSE 0 END) +
	       (CASE WHEN position(',unknown,' IN ',' || forms || ',') > 0 THEN 8 ELSE 0 END)
$$;

INSERT INTO cases (ref, kind, status, created_day, form_bits, due_day)
	SELECT ref, kind, status, created_day, case_form_bits(forms),
	       CASE WHEN status IN ('new', 'in_progress')
		    THEN to_char(created_day::date + (SELECT answer_days FROM case_settings), 'YYYY-MM-DD')
		    ELSE '9999-12-31' END
	FROM reports ORDER BY id
	ON CONFLICT (ref) DO NOTHING;

CREATE OR REPLACE FUNCTION cases_on_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO cases (ref, kind, status, created_day, form_bits, due_day)
	VALUES (NEW.ref, NEW.kind, NEW.status, NEW.created_day, case_form_bits(NEW.forms),
		to_char(NEW.created_day::date + (SELECT answer_days FROM case_settings), 'YYYY-MM-DD'));
	RETURN NULL;
END;
$$;
CREATE OR REPLACE TRIGGER cases_on_report AFTER INSERT ON reports
	FOR EACH ROW EXECUTE FUNCTION cases_on_report();

CREATE OR REPLACE FUNCTION cases_on_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cases SET status = NEW.status WHERE ref = NEW.ref;
	RETURN NULL;
END;
$$;
CREATE OR REPLACE TRIGGER cases_on_status AFTER UPDATE OF status ON reports
	FOR EACH ROW EXECUTE FUNCTION cases_on_status();

-- date + interval clamps to the month's end (30 November + 3 months = 28 February), as SQLite's file does by hand
CREATE OR REPLACE FUNCTION cases_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.sender = 'advice_point' THEN
		UPDATE cases SET
			due_day = CASE WHEN first_answer_day IS NULL AND status IN ('new', 'in_progress')
				  THEN to_char(created_day::date + make_interval(months => (SELECT feedback_months FROM case_settings)),
					       'YYYY-MM-DD')
				  ELSE due_day END,
			first_answer_day = coalesce(first_answer_day, NEW.created_day),
			reporter_waiting = 0
		WHERE ref = NEW.report_ref;
	ELSIF NEW.sender = 'reporter' THEN
		UPDATE cases SET reporter_waiting = 1 WHERE ref = NEW.report_ref;
	END IF;
	RETURN NULL;
END;
$$;
CREATE OR REPLACE TRIGGER cases_on_message AFTER INSERT ON messages
	FOR EACH ROW EXECUTE FUNCTION cases_on_message();

CREATE TABLE IF NOT EXISTS case_notes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	report_ref text NOT NULL REFERENCES reports(ref),
	seq integer NOT NULL,
	kind text NOT NULL,
	author text NOT NULL,
	at bigint NOT NULL,
	body bytea NOT NULL,
	UNIQUE (report_ref, seq)
);
CREATE TABLE IF NOT EXISTS referrals (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	report_ref text NOT NULL REFERENCES reports(ref),
	partner text NOT NULL,
	day text NOT NULL,
	categories integer NOT NULL,
	consent text NOT NULL CHECK (consent IN ('given', 'refused', 'not_asked', 'not_possible')),
	override text CHECK (override IS NULL OR override IN ('acute_danger', 'minor')),
	author text NOT NULL,
	at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS referrals_by_report ON referrals(report_ref, id);
CREATE TABLE IF NOT EXISTS case_statistics (
	month text NOT NULL,
	kind text NOT NULL,
	outcome text NOT NULL CHECK (outcome IN ('destroyed', 'withdrawn')),
	count bigint NOT NULL,
	PRIMARY KEY (month, kind, outcome)
);
