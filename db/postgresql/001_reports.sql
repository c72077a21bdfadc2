-- 1: reports, messages, team keys (as db/sqlite/001_reports.sql).
-- Only coarse metadata is in clear (kind, status, day, forms, signals); the
-- content, the keys and the messages are boxes made by crypt.
-- `id` gives the order of storing (newest first in lists), as SQLite's rowid does.
CREATE TABLE team (
	id integer PRIMARY KEY CHECK (id = 1),
	public_key bytea NOT NULL,
	secret_by_recovery bytea NOT NULL
);
CREATE TABLE reports (
	id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	ref text PRIMARY KEY,
	kind text NOT NULL,
	status text NOT NULL,
	created_day text NOT NULL,
	forms text NOT NULL,
	signals text NOT NULL,
	receipt_lookup bytea NOT NULL UNIQUE,
	receipt_salt bytea NOT NULL,
	key_for_receipt bytea NOT NULL,
	key_for_team bytea NOT NULL,
	content bytea NOT NULL
);
CREATE TABLE messages (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	report_ref text NOT NULL REFERENCES reports(ref),
	sender text NOT NULL,
	created_day text NOT NULL,
	body bytea NOT NULL
);
CREATE INDEX messages_by_report ON messages(report_ref, id);
