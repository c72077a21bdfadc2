-- 4: staff accounts, staff sessions and the audit log (issue 14). Nothing here
-- is a secret in clear: the team secret and TOTP secrets are wrapped by keys
-- only the person (password, activation code) or the session's cookie can make,
-- and session tokens are stored as hashes. IF NOT EXISTS: a test that rebuilds
-- an older schema may leave these tables in place.
CREATE TABLE IF NOT EXISTS staff_accounts (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	roles INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'disabled')),
	revision INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	activation_expires INTEGER NOT NULL DEFAULT 0,
	salt BLOB NOT NULL,
	kdf_opslimit INTEGER NOT NULL,
	kdf_memlimit INTEGER NOT NULL,
	verifier BLOB NOT NULL,
	team_secret BLOB,
	totp_secret BLOB,
	totp_last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS staff_sessions (
	lookup BLOB PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	team_secret BLOB
);
CREATE INDEX IF NOT EXISTS staff_sessions_by_account ON staff_sessions(account_id);
-- Append-only: no row is ever changed or removed through SQL. The hash chain
-- (audit.c) finds changes made around these triggers.
CREATE TABLE IF NOT EXISTS audit_log (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	account TEXT NOT NULL,
	action TEXT NOT NULL,
	object TEXT NOT NULL,
	previous BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
