/* Sessions with an injected clock: expiry to the second, a per-owner cap that
 * only ever ends the owner's own oldest session, a full table that ends the
 * oldest of any owner (after clearing expired ones), logout, and payloads. */
#include "test_support.h"

#include <string.h>

#include "session.h"

static const int64_t T = 1795858800; /* 2026-11-28T08:00:00Z */

static struct session_table *new_table(size_t capacity, unsigned per_owner)
{
	struct session_table *table = NULL;
	struct session_limits limits = {.capacity = capacity, .per_owner = per_owner, .lifetime_seconds = 1800};
	assert_int_equal(session_table_new(&table, &limits), 0);
	return table;
}

static void open_for(struct session_table *table, const char *owner, int64_t now, char token[SESSION_TOKEN_SIZE])
{
	unsigned char key[32];
	memset(key, owner[0], sizeof key);
	assert_int_equal(session_open(table, owner, key, sizeof key, now, token), 0);
}

static bool is_open(struct session_table *table, const char *token, int64_t now)
{
	char owner[SESSION_OWNER_SIZE];
	unsigned char key[32];
	return session_find(table, token, now, owner, key, sizeof key) == 0;
}

static void test_find_gives_owner_and_payload(void **state)
{
	(void)state;
	struct session_table *table = new_table(16, 3);
	char token[SESSION_TOKEN_SIZE], owner[SESSION_OWNER_SIZE];
	unsigned char key[32], small[8];
	open_for(table, "report-a", T, token);
	assert_int_equal(strlen(token), 64);
	assert_int_equal(session_find(table, token, T, owner, key, sizeof key), 0);
	assert_string_equal(owner, "report-a");
	for (size_t i = 0; i < sizeof key; i++)
		assert_int_equal(key[i], 'r');
	/* unknown, cut short, empty, NULL: not found */
	char wrong[SESSION_TOKEN_SIZE];
	memcpy(wrong, token, sizeof wrong);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	assert_int_equal(session_find(table, wrong, T, owner, key, sizeof key), 1);
	assert_int_equal(session_find(table, token + 1, T, owner, key, sizeof key), 1);
	assert_int_equal(session_find(table, "", T, owner, key, sizeof key), 1);
	assert_int_equal(session_find(table, NULL, T, owner, key, sizeof key), 1);
	/* a payload that does not fit the caller's room is not handed out */
	assert_int_equal(session_find(table, token, T, owner, small, sizeof small), 1);
	/* what cannot be a session is refused */
	unsigned char big[SESSION_PAYLOAD_MAX + 1] = {0};
	char long_owner[SESSION_OWNER_SIZE + 1];
	memset(long_owner, 'x', SESSION_OWNER_SIZE);
	long_owner[SESSION_OWNER_SIZE] = '\0';
	assert_int_equal(session_open(table, "report-a", big, sizeof big, T, token), -1);
	assert_int_equal(session_open(table, long_owner, key, sizeof key, T, token), -1);
	assert_int_equal(session_open(table, "", key, sizeof key, T, token), -1);
	session_table_free(table);
}

/* Valid for the lifetime from opening, to the second; use does not extend it. */
static void test_expiry(void **state)
{
	(void)state;
	struct session_table *table = new_table(16, 3);
	char token[SESSION_TOKEN_SIZE];
	open_for(table, "report-a", T, token);
	assert_true(is_open(table, token, T + 1000)); /* used: does not move the end */
	assert_true(is_open(table, token, T + 1799));
	assert_int_equal(session_count(table, NULL, T + 1799), 1);
	assert_false(is_open(table, token, T + 1800));
	assert_int_equal(session_count(table, NULL, T + 1800), 0);
	/* gone for good, also for an earlier clock: the slot was wiped */
	assert_false(is_open(table, token, T));
	assert_int_equal(session_count(table, NULL, T), 0);
	session_table_free(table);
}

/* A fourth login of one owner ends that owner's oldest session, never another's. */
static void test_per_owner_cap(void **state)
{
	(void)state;
	struct session_table *table = new_table(16, 3);
	char mine[4][SESSION_TOKEN_SIZE], other[SESSION_TOKEN_SIZE];
	open_for(table, "report-b", T, other);
	for (int i = 0; i < 4; i++)
		open_for(table, "report-a", T + i, mine[i]);
	assert_false(is_open(table, mine[0], T + 10));
	assert_true(is_open(table, mine[1], T + 10));
	assert_true(is_open(table, mine[2], T + 10));
	assert_true(is_open(table, mine[3], T + 10));
	assert_true(is_open(table, other, T + 10));
	assert_int_equal(session_count(table, "report-a", T + 10), 3);
	/* many more logins in the same second: still only the owner's own, oldest first */
	char again[SESSION_TOKEN_SIZE];
	for (int i = 0; i < 100; i++)
		open_for(table, "report-a", T + 10, again);
	assert_int_equal(session_count(table, "report-a", T + 10), 3);
	assert_true(is_open(table, again, T + 10));
	assert_true(is_open(table, other, T + 10));
	session_table_free(table);
}

/* A full table ends the oldest session of any owner, but first clears the expired. */
static void test_full_table(void **state)
{
	(void)state;
	struct session_table *table = new_table(4, 3);
	char tokens[4][SESSION_TOKEN_SIZE], fifth[SESSION_TOKEN_SIZE];
	const char *owners[] = {"a", "b", "c", "d"};
	for (int i = 0; i < 4; i++)
		open_for(table, owners[i], T + i, tokens[i]);
	open_for(table, "e", T + 10, fifth);
	assert_false(is_open(table, tokens[0], T + 10)); /* the oldest, of "a" */
	for (int i = 1; i < 4; i++)
		assert_true(is_open(table, tokens[i], T + 10));
	assert_true(is_open(table, fifth, T + 10));
	assert_int_equal(session_count(table, NULL, T + 10), 4);
	/* once b, c, d have expired, a new login takes their room and ends nobody live */
	char late[SESSION_TOKEN_SIZE], later[SESSION_TOKEN_SIZE];
	open_for(table, "f", T + 1805, late);
	open_for(table, "g", T + 1805, later);
	assert_true(is_open(table, fifth, T + 1805));
	assert_true(is_open(table, late, T + 1805));
	assert_true(is_open(table, later, T + 1805));
	session_table_free(table);
}

static void test_logout(void **state)
{
	(void)state;
	struct session_table *table = new_table(16, 3);
	char a1[SESSION_TOKEN_SIZE], a2[SESSION_TOKEN_SIZE], b[SESSION_TOKEN_SIZE];
	open_for(table, "report-a", T, a1);
	open_for(table, "report-a", T, a2);
	open_for(table, "report-b", T, b);
	assert_true(session_end(table, a1));
	assert_false(session_end(table, a1));
	assert_false(is_open(table, a1, T));
	assert_true(is_open(table, a2, T));
	assert_int_equal(session_end_owner(table, "report-a"), 1);
	assert_false(is_open(table, a2, T));
	assert_true(is_open(table, b, T));
	assert_false(session_end(table, NULL));
	session_table_free(table);
	session_table_free(NULL);
}

static void test_limits(void **state)
{
	(void)state;
	struct session_table *table = NULL;
	assert_int_equal(session_table_new(&table, &(struct session_limits){0, 3, 1800}), -1);
	assert_int_equal(session_table_new(&table, &(struct session_limits){8, 0, 1800}), -1);
	assert_int_equal(session_table_new(&table, &(struct session_limits){8, 3, 0}), -1);
	assert_null(table);
	/* no overflow at the end of time */
	table = new_table(2, 1);
	char token[SESSION_TOKEN_SIZE];
	open_for(table, "a", INT64_MAX - 10, token);
	assert_true(is_open(table, token, INT64_MAX - 1));
	session_table_free(table);
}

int main(void)
{
	if (crypt_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_gives_owner_and_payload),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_per_owner_cap),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
