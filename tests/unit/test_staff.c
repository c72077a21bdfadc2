/* staff: accounts, activation, login, throttling and sessions, against a real
 * SQLite database in a temporary directory, with an injected clock. argon2id
 * runs at a test cost (crypt_set_slow_key_cost_for_tests): the cost itself is
 * measured in docs/benchmarks.md. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "crypt.h"
#include "db.h"
#include "db_sqlite.h"
#include "staff.h"
#include "totp.h"

#define T0 1764500000 /* 2025-11-30T10:53:20Z, 20 s into a TOTP step */
#define GOOD_PASSWORD "wolken boven het Kralingse Bos"

struct fixture {
	char dir[64];
	char url[128];
	struct db *db;
	struct staff *staff;
	struct crypt_team team;
	unsigned char team_secret[CRYPT_KEY_BYTES];
	unsigned char totp[TOTP_SECRET_BYTES];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char error[DB_ERROR_SIZE], recovery[CRYPT_RECOVERY_TEXT_SIZE];
	assert_non_null(f);
	assert_int_equal(crypt_init(), 0);
	crypt_set_slow_key_cost_for_tests(1, 64 * 1024);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-staff-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->url, sizeof f->url, "sqlite:%s/staff.db", f->dir);
	assert_int_equal(db_open(&f->db, f->url, true, error), 0);
	assert_int_equal(crypt_new_team(&f->team, recovery), 0);
	assert_int_equal(db_initialise(f->db, &f->team, error), 0);
	assert_int_equal(crypt_open_team(&f->team, recovery, f->team_secret), 0);
	f->staff = staff_new(f->db);
	assert_non_null(f->staff);
	totp_new_secret(f->totp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char command[128];
	staff_free(f->staff);
	db_close(f->db);
	snprintf(command, sizeof command, "%s/staff.db", f->dir);
	unlink(command);
	snprintf(command, sizeof command, "%s/staff.db-wal", f->dir);
	unlink(command);
	snprintf(command, sizeof command, "%s/staff.db-shm", f->dir);
	unlink(command);
	rmdir(f->dir);
	crypt_set_slow_key_cost_for_tests(0, 0);
	free(f);
	return 0;
}

static void code_at(const struct fixture *f, int64_t now, char code[TOTP_CODE_SIZE])
{
	assert_int_equal(totp_code_at(f->totp, TOTP_SECRET_BYTES, now, 6, code), 0);
}

/* Creates and activates `name` at T0 (the enrolment uses T0's step). */
static void make_active(struct fixture *f, const char *name, unsigned roles)
{
	char activation[CRYPT_ACTIVATION_TEXT_SIZE], code[TOTP_CODE_SIZE];
	struct staff_password_reason reason;
	assert_int_equal(staff_create(f->staff, "cli", name, roles, f->team_secret, T0, activation), STAFF_OK);
	code_at(f, T0, code);
	assert_int_equal(staff_activate(f->staff, name, activation, GOOD_PASSWORD, f->totp, code, T0, &reason),
			 STAFF_OK);
}

static int login_at(struct fixture *f, const char *name, const char *password, int64_t now,
		    const unsigned char *tag, char token[CRYPT_TOKEN_SIZE], unsigned *wait)
{
	char code[TOTP_CODE_SIZE];
	code_at(f, now, code);
	return staff_login(f->staff, name, password, code, tag, now, token, wait);
}

/* Whether the database files contain `needle` anywhere. */
static bool file_contains(const struct fixture *f, const void *needle, size_t len)
{
	static const char *const suffixes[] = {"", "-wal"};
	bool found = false;
	for (size_t i = 0; i < 2 && !found; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/staff.db%s", f->dir, suffixes[i]);
		FILE *file = fopen(path, "rb");
		if (!file)
			continue;
		static unsigned char data[8 << 20];
		size_t got = fread(data, 1, sizeof data, file);
		fclose(file);
		for (size_t at = 0; at + len <= got && !found; at++)
			found = memcmp(data + at, needle, len) == 0;
	}
	return found;
}

static void test_roles_and_names(void **state)
{
	(void)state;
	unsigned role = 0;
	char text[STAFF_ROLES_TEXT_SIZE];
	assert_true(staff_role_from_name("coordinator", &role));
	assert_int_equal(role, STAFF_ROLE_COORDINATOR);
	assert_false(staff_role_from_name("root", &role));
	staff_roles_text(STAFF_ROLES_ALL, text);
	assert_string_equal(text, "caseworker,coordinator,analyst,admin");
	assert_true(staff_name_valid("anna.de-vries_2"));
	assert_false(staff_name_valid("Anna"));
	assert_false(staff_name_valid("2anna"));
	assert_false(staff_name_valid("an na"));
	assert_false(staff_name_valid(""));
}

static void test_password_quality(void **state)
{
	(void)state;
	struct staff_password_reason reason = {0};
	assert_int_equal(staff_check_password("anna", GOOD_PASSWORD, &reason), 0);
	assert_int_equal(staff_check_password("anna", "kort", &reason), 1);
	assert_non_null(strstr(reason.nl, "te kort"));
	assert_non_null(strstr(reason.en, "too short"));
	/* a dictionary word made long enough */
	assert_int_equal(staff_check_password("anna", "administrators", &reason), 1);
	assert_non_null(strstr(reason.nl, "woordenboek"));
	assert_non_null(strstr(reason.en, "dictionary"));
	assert_int_equal(staff_check_password("annadevries", "xx-annadevries-2026!", &reason), 1);
	assert_non_null(strstr(reason.en, "user name"));
}

static void test_create_activate_login_session(void **state)
{
	struct fixture *f = *state;
	char token[CRYPT_TOKEN_SIZE];
	unsigned wait = 0;
	make_active(f, "anna", STAFF_ROLE_CASEWORKER);
	make_active(f, "bert", STAFF_ROLE_ANALYST);
	make_active(f, "chris", STAFF_ROLE_ADMIN);
	make_active(f, "dana", STAFF_ROLE_ANALYST | STAFF_ROLE_COORDINATOR);
	static const struct {
		const char *name;
		unsigned roles;
		bool secret;
	} expected[] = {
		{"anna", STAFF_ROLE_CASEWORKER, true},
		{"bert", STAFF_ROLE_ANALYST, false},
		{"chris", STAFF_ROLE_ADMIN, false},
		{"dana", STAFF_ROLE_ANALYST | STAFF_ROLE_COORDINATOR, true},
	};
	for (size_t i = 0; i < 4; i++) {
		/* one step after the enrolment: the enrolment's code is spent */
		int64_t now = T0 + TOTP_STEP_SECONDS + (int64_t)i * TOTP_STEP_SECONDS;
		assert_int_equal(login_at(f, expected[i].name, GOOD_PASSWORD, now, NULL, token, &wait), STAFF_OK);
		struct staff_session session;
		assert_int_equal(staff_session_find(f->staff, token, now + 60, &session), 0);
		assert_string_equal(session.name, expected[i].name);
		assert_int_equal(session.roles, expected[i].roles);
		if (expected[i].secret) {
			assert_non_null(session.team_secret);
			assert_memory_equal(session.team_secret, f->team_secret, CRYPT_KEY_BYTES);
		} else {
			assert_null(session.team_secret);
		}
		assert_true(staff_session_csrf_valid(&session, session.csrf));
		assert_false(staff_session_csrf_valid(&session, token));
		assert_false(staff_session_csrf_valid(&session, ""));
		/* the database keeps neither the token nor the team secret in clear */
		assert_false(file_contains(f, token, CRYPT_TOKEN_SIZE - 1));
		staff_session_release(&session);
	}
	assert_false(file_contains(f, f->team_secret, CRYPT_KEY_BYTES));
	assert_false(file_contains(f, f->totp, TOTP_SECRET_BYTES));
	assert_false(file_contains(f, GOOD_PASSWORD, strlen(GOOD_PASSWORD)));
	/* an analyst's or admin's row holds no wrapped team secret at all */
	struct db_staff_account row;
	assert_int_equal(db_staff_get(f->db, "bert", &row), 0);
	assert_false(row.has_team_secret);
	assert_int_equal(db_staff_get(f->db, "chris", &row), 0);
	assert_false(row.has_team_secret);
	assert_int_equal(db_staff_get(f->db, "anna", &row), 0);
	assert_true(row.has_team_secret);
	int64_t first_bad = 0;
	char problem[AUDIT_PROBLEM_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
}

static void test_create_refusals(void **state)
{
	struct fixture *f = *state;
	char code[CRYPT_ACTIVATION_TEXT_SIZE];
	assert_int_equal(staff_create(f->staff, "cli", "Bad Name", STAFF_ROLE_ADMIN, NULL, T0, code), STAFF_BAD_NAME);
	assert_int_equal(staff_create(f->staff, "cli", "anna", 0, NULL, T0, code), STAFF_NO_ROLES);
	assert_int_equal(staff_create(f->staff, "cli", "anna", 1u << 7, NULL, T0, code), STAFF_NO_ROLES);
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_CASEWORKER, NULL, T0, code),
			 STAFF_NEEDS_TEAM_SECRET);
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_ADMIN, NULL, T0, code), STAFF_OK);
	/* 24 characters of Crockford base32: 120 bits */
	char canonical[CRYPT_ACTIVATION_CHARS + 1];
	assert_true(crypt_normalize_activation_code(code, canonical));
	assert_int_equal(strlen(code), CRYPT_ACTIVATION_TEXT_SIZE - 1);
	assert_false(file_contains(f, canonical, CRYPT_ACTIVATION_CHARS));
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_ADMIN, NULL, T0, code), STAFF_NAME_TAKEN);
}

static void test_activation_rules(void **state)
{
	struct fixture *f = *state;
	char activation[CRYPT_ACTIVATION_TEXT_SIZE], other[CRYPT_ACTIVATION_TEXT_SIZE], code[TOTP_CODE_SIZE];
	struct staff_password_reason reason;
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_CASEWORKER, f->team_secret, T0, activation),
			 STAFF_OK);
	crypt_new_activation_code(other);
	code_at(f, T0 + 100, code);
	assert_int_equal(staff_activate(f->staff, "anna", other, GOOD_PASSWORD, f->totp, code, T0 + 100, &reason),
			 STAFF_BAD_ACTIVATION);
	assert_int_equal(staff_activate(f->staff, "nobody", activation, GOOD_PASSWORD, f->totp, code, T0 + 100, &reason),
			 STAFF_BAD_ACTIVATION);
	assert_int_equal(staff_activate(f->staff, "anna", activation, "kort", f->totp, code, T0 + 100, &reason),
			 STAFF_WEAK_PASSWORD);
	assert_non_null(strstr(reason.en, "too short"));
	assert_int_equal(staff_activate(f->staff, "anna", activation, GOOD_PASSWORD, f->totp, "000000", T0 + 100,
					&reason) == STAFF_BAD_TOTP ||
				 strcmp(code, "000000") == 0,
			 1);
	/* 72 hours on, the code no longer works */
	int64_t late = T0 + STAFF_ACTIVATION_SECONDS;
	code_at(f, late, code);
	assert_int_equal(staff_activate(f->staff, "anna", activation, GOOD_PASSWORD, f->totp, code, late, &reason),
			 STAFF_BAD_ACTIVATION);
	/* a second before that it does, typed in lower case without dashes, once */
	char typed[CRYPT_ACTIVATION_TEXT_SIZE];
	size_t n = 0;
	for (const char *p = activation; *p; p++) {
		if (*p != '-')
			typed[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	typed[n] = '\0';
	code_at(f, late - 1, code);
	assert_int_equal(staff_activate(f->staff, "anna", typed, GOOD_PASSWORD, f->totp, code, late - 1, &reason),
			 STAFF_OK);
	code_at(f, late + 29, code); /* the next step: the TOTP part fits */
	assert_int_equal(staff_activate(f->staff, "anna", activation, GOOD_PASSWORD, f->totp, code, late - 1, &reason),
			 STAFF_BAD_ACTIVATION);
}

static void test_login_fails_alike(void **state)
{
	struct fixture *f = *state;
	char token[CRYPT_TOKEN_SIZE], code[TOTP_CODE_SIZE], activation[CRYPT_ACTIVATION_TEXT_SIZE];
	unsigned wait = 0;
	int64_t now = T0 + 300;
	make_active(f, "anna", STAFF_ROLE_CASEWORKER);
	assert_int_equal(staff_create(f->staff, "cli", "pending", STAFF_ROLE_ADMIN, NULL, T0, activation), STAFF_OK);
	code_at(f, now, code);
	/* wrong password, wrong code, unknown name, a pending account: one answer */
	assert_int_equal(staff_login(f->staff, "anna", "wrong password here", code, NULL, now, token, &wait),
			 STAFF_LOGIN_FAILED);
	assert_int_equal(staff_login(f->staff, "anna", GOOD_PASSWORD, "123456", NULL, now, token, &wait) ==
					 STAFF_LOGIN_FAILED ||
				 strcmp(code, "123456") == 0,
			 1);
	assert_int_equal(staff_login(f->staff, "nobody", GOOD_PASSWORD, code, NULL, now, token, &wait),
			 STAFF_LOGIN_FAILED);
	assert_int_equal(staff_login(f->staff, "pending", activation, code, NULL, now, token, &wait),
			 STAFF_LOGIN_FAILED);
	assert_string_equal(token, "");
	/* the right three work, once per code: the same code again is a replay */
	assert_int_equal(staff_login(f->staff, "anna", GOOD_PASSWORD, code, NULL, now, token, &wait), STAFF_OK);
	assert_int_equal(staff_login(f->staff, "anna", GOOD_PASSWORD, code, NULL, now + 5, token, &wait),
			 STAFF_LOGIN_FAILED);
	/* also on a second server that shares the database */
	struct db *other_db;
	char error[DB_ERROR_SIZE];
	assert_int_equal(db_open(&other_db, f->url, false, error), 0);
	struct staff *other = staff_new(other_db);
	assert_non_null(other);
	assert_int_equal(staff_login(other, "anna", GOOD_PASSWORD, code, NULL, now + 10, token, &wait),
			 STAFF_LOGIN_FAILED);
	staff_free(other);
	db_close(other_db);
	/* disabled: nothing works */
	assert_int_equal(staff_disable(f->staff, "cli", "anna", now + 60), STAFF_OK);
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now + 60, NULL, token, &wait), STAFF_LOGIN_FAILED);
	assert_int_equal(staff_disable(f->staff, "cli", "nobody", now + 60), STAFF_NOT_FOUND);
}

static void test_throttling(void **state)
{
	struct fixture *f = *state;
	char token[CRYPT_TOKEN_SIZE];
	unsigned wait = 0;
	unsigned char tag[CRYPT_CLIENT_TAG_BYTES];
	memset(tag, 7, sizeof tag);
	make_active(f, "anna", STAFF_ROLE_CASEWORKER);
	int64_t now = T0 + 600;
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_at(f, "anna", "wrong password here", now + i, NULL, token, &wait),
				 STAFF_LOGIN_FAILED);
	/* the sixth try waits a minute after the fifth failure, even with the right password */
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now + 10, NULL, token, &wait), STAFF_THROTTLED);
	assert_int_equal(wait, 60 - 6);
	/* another name is not held back by anna's failures */
	make_active(f, "bert", STAFF_ROLE_ANALYST);
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, now + 30, NULL, token, &wait), STAFF_OK);
	/* after the minute: one more try; failing it doubles the wait */
	assert_int_equal(login_at(f, "anna", "wrong password here", now + 64, NULL, token, &wait), STAFF_LOGIN_FAILED);
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now + 65, NULL, token, &wait), STAFF_THROTTLED);
	assert_int_equal(wait, 120 - 1);
	/* and the right login after that wait works, and clears the count */
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now + 64 + 120, NULL, token, &wait), STAFF_OK);
	assert_int_equal(login_at(f, "anna", "wrong password here", now + 300, NULL, token, &wait), STAFF_LOGIN_FAILED);
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now + 330, NULL, token, &wait), STAFF_OK);

	/* a client: 20 failures over many names, then it waits, whatever the name */
	int64_t later = now + 4000;
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof name, "guess%d", i);
		assert_int_equal(login_at(f, name, "wrong password here", later, tag, token, &wait), STAFF_LOGIN_FAILED);
	}
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, later + 1, tag, token, &wait), STAFF_THROTTLED);
	/* the tag's halves swap at the hour (http's salts move on): still the same client */
	unsigned char next_hour[CRYPT_CLIENT_TAG_BYTES];
	memset(next_hour, 9, 16);
	memcpy(next_hour + 16, tag, 16);
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, later + 2, next_hour, token, &wait), STAFF_THROTTLED);
	/* without the tag (another client), bert logs in */
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, later + 30, NULL, token, &wait), STAFF_OK);
	/* an hour after the last failure the count is forgotten */
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, later + 3600, next_hour, token, &wait), STAFF_OK);
}

static void test_session_expiry_and_logout(void **state)
{
	struct fixture *f = *state;
	char token[CRYPT_TOKEN_SIZE];
	unsigned wait = 0;
	struct staff_session session;
	make_active(f, "anna", STAFF_ROLE_CASEWORKER);
	int64_t login = T0 + 60;
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, login, NULL, token, &wait), STAFF_OK);
	/* idle: fine a second before 30 minutes, and a touch starts them again */
	assert_int_equal(staff_session_find(f->staff, token, login + STAFF_IDLE_SECONDS - 1, &session), 0);
	staff_session_release(&session);
	int64_t t = login;
	/* touched every 20 minutes it lasts until the absolute end, 10 hours after login */
	while (t + 1200 < login + STAFF_ABSOLUTE_SECONDS) {
		t += 1200;
		assert_int_equal(staff_session_find(f->staff, token, t, &session), 0);
		staff_session_release(&session);
		assert_int_equal(staff_session_touch(f->staff, token, t), 0);
	}
	assert_int_equal(staff_session_find(f->staff, token, login + STAFF_ABSOLUTE_SECONDS - 1, &session), 0);
	staff_session_release(&session);
	assert_int_equal(staff_session_find(f->staff, token, login + STAFF_ABSOLUTE_SECONDS, &session), 1);
	/* and it is gone, not only refused */
	assert_int_equal(staff_session_find(f->staff, token, login + 60, &session), 1);

	/* idle end */
	int64_t second = login + 120;
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, second, NULL, token, &wait), STAFF_OK);
	assert_int_equal(staff_session_find(f->staff, token, second + STAFF_IDLE_SECONDS, &session), 1);

	/* logout */
	int64_t third = login + 240;
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, third, NULL, token, &wait), STAFF_OK);
	assert_int_equal(staff_session_end(f->staff, token, third + 5), 0);
	assert_int_equal(staff_session_find(f->staff, token, third + 6, &session), 1);
	assert_int_equal(staff_session_find(f->staff, "not a token", third + 6, &session), 1);
}

static void test_disable_and_reset_end_sessions(void **state)
{
	struct fixture *f = *state;
	char token[CRYPT_TOKEN_SIZE], activation[CRYPT_ACTIVATION_TEXT_SIZE], code[TOTP_CODE_SIZE];
	unsigned wait = 0;
	struct staff_session session;
	struct staff_password_reason reason;
	make_active(f, "anna", STAFF_ROLE_CASEWORKER);
	make_active(f, "bert", STAFF_ROLE_ADMIN);
	int64_t now = T0 + 60;
	assert_int_equal(login_at(f, "anna", GOOD_PASSWORD, now, NULL, token, &wait), STAFF_OK);
	/* a session works on a second server that shares the database */
	struct db *other_db;
	char error[DB_ERROR_SIZE];
	assert_int_equal(db_open(&other_db, f->url, false, error), 0);
	struct staff *other = staff_new(other_db);
	assert_non_null(other);
	assert_int_equal(staff_session_find(other, token, now + 1, &session), 0);
	assert_memory_equal(session.team_secret, f->team_secret, CRYPT_KEY_BYTES);
	staff_session_release(&session);
	assert_int_equal(staff_disable(other, "bert", "anna", now + 2), STAFF_OK);
	assert_int_equal(staff_session_find(f->staff, token, now + 3, &session), 1);
	staff_free(other);
	db_close(other_db);

	/* reset-2fa: sessions end, password and TOTP are gone, a new activation works */
	char bert_token[CRYPT_TOKEN_SIZE];
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, now + 30, NULL, bert_token, &wait), STAFF_OK);
	assert_int_equal(staff_reset_2fa(f->staff, "cli", "bert", NULL, now + 40, activation), STAFF_OK);
	assert_int_equal(staff_session_find(f->staff, bert_token, now + 41, &session), 1);
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, now + 90, NULL, bert_token, &wait), STAFF_LOGIN_FAILED);
	unsigned char new_totp[TOTP_SECRET_BYTES];
	totp_new_secret(new_totp);
	assert_int_equal(totp_code_at(new_totp, TOTP_SECRET_BYTES, now + 120, 6, code), 0);
	assert_int_equal(staff_activate(f->staff, "bert", activation, "Regen valt zacht op Katendrecht", new_totp,
					code, now + 120, &reason),
			 STAFF_OK);
	assert_int_equal(totp_code_at(new_totp, TOTP_SECRET_BYTES, now + 150, 6, code), 0);
	assert_int_equal(staff_login(f->staff, "bert", "Regen valt zacht op Katendrecht", code, NULL, now + 150,
				     bert_token, &wait),
			 STAFF_OK);
	/* a content role cannot be reset without the team secret to wrap again */
	assert_int_equal(staff_reset_2fa(f->staff, "cli", "anna", NULL, now + 200, activation), STAFF_NEEDS_TEAM_SECRET);
	assert_int_equal(staff_reset_2fa(f->staff, "cli", "nobody", NULL, now + 200, activation), STAFF_NOT_FOUND);
}

struct listed {
	char text[512];
};

static void collect(void *ctx, const struct staff_account_info *info)
{
	struct listed *listed = ctx;
	char roles[STAFF_ROLES_TEXT_SIZE];
	size_t used = strlen(listed->text);
	staff_roles_text(info->roles, roles);
	snprintf(listed->text + used, sizeof listed->text - used, "%s %s %s;", info->name, roles, info->state);
}

struct audit_seen {
	char text[1024];
};

static int collect_audit(void *ctx, const struct db_audit_entry *entry)
{
	struct audit_seen *seen = ctx;
	size_t used = strlen(seen->text);
	snprintf(seen->text + used, sizeof seen->text - used, "%s %s %s;", entry->account, entry->action, entry->object);
	return 0;
}

static void test_list_and_audit(void **state)
{
	struct fixture *f = *state;
	char activation[CRYPT_ACTIVATION_TEXT_SIZE], token[CRYPT_TOKEN_SIZE];
	unsigned wait = 0;
	make_active(f, "bert", STAFF_ROLE_ADMIN | STAFF_ROLE_CASEWORKER);
	assert_int_equal(staff_create(f->staff, "bert", "anna", STAFF_ROLE_ANALYST, NULL, T0, activation), STAFF_OK);
	assert_int_equal(staff_create(f->staff, "bert", "carl", STAFF_ROLE_ANALYST, NULL, T0 - STAFF_ACTIVATION_SECONDS,
				      activation),
			 STAFF_OK);
	struct listed listed = {""};
	assert_int_equal(staff_list(f->staff, T0 + 10, collect, &listed), 0);
	assert_string_equal(listed.text, "anna analyst pending;bert caseworker,admin active;carl analyst expired;");
	assert_int_equal(login_at(f, "bert", "wrong password here", T0 + 60, NULL, token, &wait), STAFF_LOGIN_FAILED);
	assert_int_equal(login_at(f, "nobody", "wrong password here", T0 + 60, NULL, token, &wait), STAFF_LOGIN_FAILED);
	assert_int_equal(login_at(f, "bert", GOOD_PASSWORD, T0 + 90, NULL, token, &wait), STAFF_OK);
	assert_int_equal(staff_session_end(f->staff, token, T0 + 100), 0);
	/* every step is on record, in order, and no password or name typed for no account is */
	static const char *const expected[][3] = {
		{"cli", "account_created", "bert"}, {"bert", "account_activated", "bert"},
		{"bert", "account_created", "anna"}, {"bert", "account_created", "carl"},
		{"bert", "login_failed", "-"},       {"-", "login_failed", "-"},
		{"bert", "login", "-"},              {"bert", "logout", "-"},
	};
	struct audit_seen seen = {""};
	assert_int_equal(db_audit_list(f->db, collect_audit, &seen), 0);
	char wanted[1024] = "";
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		size_t used = strlen(wanted);
		snprintf(wanted + used, sizeof wanted - used, "%s %s %s;", expected[i][0], expected[i][1], expected[i][2]);
	}
	assert_string_equal(seen.text, wanted);
	struct db_audit_entry entry;
	assert_int_equal(db_audit_last(f->db, &entry), 0);
	assert_int_equal(entry.seq, (int64_t)(sizeof expected / sizeof *expected));
	assert_string_equal(entry.account, "bert");
	assert_string_equal(entry.action, "logout");
	assert_false(file_contains(f, "nobody", 6));
	assert_false(file_contains(f, "wrong password here", 19));
	int64_t first_bad = 0;
	char problem[AUDIT_PROBLEM_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
}

/* A database made before team access (schema version 3) gets the tables when it is upgraded. */
static void test_upgrade_from_version_3(void **state)
{
	struct fixture *f = *state;
	char path[128], error[DB_ERROR_SIZE], activation[CRYPT_ACTIVATION_TEXT_SIZE];
	sqlite3 *raw;
	snprintf(path, sizeof path, "%s/staff.db", f->dir);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw,
				      "DROP TABLE staff_sessions; DROP TABLE staff_accounts; DROP TABLE audit_log;"
				      " UPDATE schema_version SET version = 3;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_ADMIN, NULL, T0, activation), -1);
	assert_int_equal(db_upgrade(f->db, error), 0);
	assert_int_equal(staff_create(f->staff, "cli", "anna", STAFF_ROLE_ADMIN, NULL, T0, activation), STAFF_OK);
	assert_int_equal(db_schema_version(f->db), (int)db_sqlite_migration_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles_and_names),
		cmocka_unit_test(test_password_quality),
		cmocka_unit_test_setup_teardown(test_create_activate_login_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activation_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_fails_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry_and_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_and_reset_end_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_version_3, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
