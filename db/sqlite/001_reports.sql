-- 1: reports, messages, team keys.
-- Only coarse metadata is in clear (kind, status, day, forms, signals); the
-- content, the keys and the messages are boxes made by crypt.
CREATE TABLE team (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	public_key BLOB NOT NULL,
	secret_by_recovery BLOB NOT NULL
);
CREATE TABLE reports (
	ref TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	status TEXT NOT NULL,
	created_day TEXT NOT NULL,
	forms TEXT NOT NULL,
	signals TEXT NOT NULL,
	receipt_lookup BLOB NOT NULL UNIQUE,
	receipt_salt BLOB NOT NULL,
	key_for_receipt BLOB NOT NULL,
	key_for_team BLOB NOT NULL,
	content BLOB NOT NULL
);
CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	report_ref TEXT NOT NULL REFERENCES reports(ref),
	sender TEXT NOT NULL,
	created_day TEXT NOT NULL,
	body BLOB NOT NULL
);
CREATE INDEX messages_by_report ON messages(report_ref, id);
