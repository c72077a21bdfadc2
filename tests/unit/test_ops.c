/* Issue 12 on SQLite: a report that cannot be stored because of the storage
 * is answered 503 with Retry-After (JSON naming whom to call; the HTML form
 * again with what was typed and whom to call), never 201, and the next report
 * after the disk is back is stored. A failing commit is simulated with the db
 * test hooks (before_commit returns nonzero: SQLite's state turns to
 * "write_failed"). The routes run as the router runs them: web_handle() hands
 * the blocking route back, and the test runs it as a worker would.
 * (tests/http/ops_storage.test.mjs does the same on PostgreSQL over HTTP.) */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "metrics.h"
#include "report.h"
#include "web.h"

#define NOW ((int64_t)1795858800) /* 2026-11-28T08:00:00Z */

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	struct server_config config;
	struct web web;
	atomic_bool fail_commits;
	char dir[64], url[160], path[128], key_path[140];
};

static int failing_commit(void *ctx, unsigned reports)
{
	(void)reports;
	struct fixture *f = ctx;
	return atomic_load(&f->fail_commits) ? 1 : 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char error[400], db_error[DB_ERROR_SIZE], recovery[CRYPT_RECOVERY_TEXT_SIZE];
	load_real_kb(&f->kb);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-ops-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
	snprintf(f->key_path, sizeof f->key_path, "%s.key", f->path);
	if (reporting_initialise(f->url, f->key_path, recovery, error))
		fail_msg("reporting_initialise: %s", error);
	assert_int_equal(db_open(&f->db, f->url, false, db_error), 0);
	const struct db_test_hooks hooks = {.before_commit = failing_commit, .ctx = f};
	db_set_test_hooks(f->db, &hooks);
	if (reporting_open(&f->reporting, &f->kb, f->db, f->key_path, error))
		fail_msg("reporting_open: %s", error);
	config_defaults(&f->config, TEST_DATADIR "/../web");
	if (web_init(&f->web, &f->kb, &f->config, &f->reporting, error, sizeof error))
		fail_msg("web_init: %s", error);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[200];
	web_release(&f->web);
	reporting_close(&f->reporting);
	db_close(f->db);
	kb_release(&f->kb);
	const char *suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs a request as the server would: the router, then (blocking) the worker's part. */
static void handle(struct fixture *f, struct http_request *request, struct http_reply *reply)
{
	*reply = (struct http_reply){.status = 200};
	strbuf_init(&reply->body, 4u << 20);
	request->now = NOW;
	web_handle(&f->web, request, reply);
	assert_non_null(reply->deferred); /* a submission is a blocking route */
	reply->deferred(&f->web, request, reply);
}

/* The text of a reply (its body, or the secret body of a receipt). */
static const char *reply_text(const struct http_reply *reply)
{
	return reply->secret_body ? reply->secret_body : reply->body.buf ? reply->body.buf : "";
}

static void release(struct http_reply *reply)
{
	strbuf_release(&reply->body);
	crypt_buffer_free(reply->secret_body);
	reply->secret_body = NULL;
}

static const char json_report[] = "{\"kind\": \"report\", \"what\": \"Ik zie mensen slapen in de loods\"}";

static void submit_json(struct fixture *f, struct http_reply *reply)
{
	struct http_request request = {.method = HTTP_POST, .path = "/api/v1/reports", .content_type = "application/json",
				       .body = json_report, .body_len = sizeof json_report - 1};
	handle(f, &request, reply);
}

static void test_json_submission_while_the_disk_fails_is_503_then_201(void **state)
{
	struct fixture *f = *state;
	struct http_reply reply;
	atomic_store(&f->fail_commits, true);
	submit_json(f, &reply);
	assert_int_equal(reply.status, 503);
	assert_true(reply.retry_after > 0);
	assert_null(reply.secret_body); /* no receipt */
	assert_non_null(strstr(reply_text(&reply), "could not be stored"));
	assert_non_null(strstr(reply_text(&reply), "010-236 52 56")); /* whom to call */
	release(&reply);
	struct db_storage storage;
	db_storage_state(f->db, &storage);
	assert_false(storage.ok);
	assert_string_equal(storage.problem, "write_failed");

	/* the disk is back: the next report is tried (a write is what clears "write_failed") and stored */
	atomic_store(&f->fail_commits, false);
	submit_json(f, &reply);
	assert_int_equal(reply.status, 201);
	assert_non_null(strstr(reply_text(&reply), "\"receipt\""));
	assert_int_equal(reply.retry_after, 0);
	release(&reply);
	db_storage_state(f->db, &storage);
	assert_true(storage.ok);
}

static void test_html_form_while_the_disk_fails_is_503_with_what_was_typed(void **state)
{
	struct fixture *f = *state;
	char csrf[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(&f->reporting), NOW, csrf);
	const struct http_field form[] = {
		{"csrf", csrf},
		{"submission", "0123456789abcdef0123456789abcdef"},
		{"kind", "report"},
		{"what", "Elke nacht stopt er een busje bij de kassen"},
		{"form", "labour"},
	};
	struct http_request request = {.method = HTTP_POST, .path = "/melden", .fetch_site = "same-origin",
				       .content_type = "application/x-www-form-urlencoded", .form = form,
				       .form_count = sizeof form / sizeof *form};
	struct http_reply reply;
	atomic_store(&f->fail_commits, true);
	handle(f, &request, &reply);
	assert_int_equal(reply.status, 503);
	assert_true(reply.retry_after > 0);
	assert_null(reply.secret_body);
	const char *html = reply_text(&reply);
	assert_non_null(strstr(html, "Elke nacht stopt er een busje bij de kassen")); /* what was typed stays */
	assert_non_null(strstr(html, "kon niet worden opgeslagen"));
	assert_non_null(strstr(html, "href=\"tel:+31102365256\"")); /* whom to call */
	assert_null(strstr(html, "receipt-group"));
	release(&reply);

	/* the same form, once the disk is back: stored (its single-use key was never kept) */
	atomic_store(&f->fail_commits, false);
	handle(f, &request, &reply);
	assert_int_equal(reply.status, 201);
	assert_non_null(strstr(reply_text(&reply), "receipt-group"));
	release(&reply);
}

/* [server] metrics_listen: off by default, ADDR:PORT or "off", and never the public address. */
static void test_metrics_listen_setting(void **state)
{
	(void)state;
	struct server_config config;
	char error[CONFIG_ERROR_SIZE];
	config_defaults(&config, "web");
	assert_int_equal(config.metrics_port, 0); /* off unless asked for */
	assert_int_equal(config_set_metrics_listen(&config, "127.0.0.1:9180", error), 0);
	assert_string_equal(config.metrics_host, "127.0.0.1");
	assert_int_equal(config.metrics_port, 9180);
	assert_int_equal(config_set_metrics_listen(&config, "[::1]:9181", error), 0);
	assert_string_equal(config.metrics_host, "::1");
	assert_int_equal(config_set_metrics_listen(&config, "off", error), 0);
	assert_int_equal(config.metrics_port, 0);
	assert_int_not_equal(config_set_metrics_listen(&config, "9180", error), 0);
	assert_non_null(strstr(error, "metrics_listen"));
	/* the public address itself is refused before anything starts */
	assert_int_equal(config_set_listen(&config, "127.0.0.1:19899", error), 0);
	assert_int_equal(config_set_metrics_listen(&config, "127.0.0.1:19899", error), 0);
	char start_error[300];
	assert_null(metrics_start(&config, NULL, NULL, start_error, sizeof start_error));
	assert_non_null(strstr(start_error, "public address"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_listen_setting),
		cmocka_unit_test_setup_teardown(test_json_submission_while_the_disk_fails_is_503_then_201, setup, teardown),
		cmocka_unit_test_setup_teardown(test_html_form_while_the_disk_fails_is_503_with_what_was_typed, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
