-- 4: staff accounts, staff sessions and the audit log (issue 14), as
-- db/sqlite/004_staff.sql. Nothing here is a secret in clear: the team secret
-- and TOTP secrets are wrapped by keys only the person (password, activation
-- code) or the session's cookie can make, and session tokens are stored as
-- hashes.
CREATE TABLE staff_accounts (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL UNIQUE,
	roles integer NOT NULL,
	state text NOT NULL CHECK (state IN ('pending', 'active', 'disabled')),
	revision bigint NOT NULL DEFAULT 1,
	created_at bigint NOT NULL,
	activation_expires bigint NOT NULL DEFAULT 0,
	salt bytea NOT NULL,
	kdf_opslimit bigint NOT NULL,
	kdf_memlimit bigint NOT NULL,
	verifier bytea NOT NULL,
	team_secret bytea,
	totp_secret bytea,
	totp_last_step bigint NOT NULL DEFAULT 0
);
CREATE TABLE staff_sessions (
	lookup bytea PRIMARY KEY,
	account_id bigint NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
	created_at bigint NOT NULL,
	last_seen bigint NOT NULL,
	team_secret bytea
);
CREATE INDEX staff_sessions_by_account ON staff_sessions(account_id);
-- Append-only: no row is ever changed or removed through SQL. The hash chain
-- (audit.c) finds changes made around this rule. `seq` is given by the writer
-- (the previous entry's number plus one); the primary key makes two servers
-- that take the same number fail one of them, which then chains again.
CREATE TABLE audit_log (
	seq bigint PRIMARY KEY,
	at bigint NOT NULL,
	account text NOT NULL,
	action text NOT NULL,
	object text NOT NULL,
	previous bytea NOT NULL,
	hash bytea NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
