/* SIGTERM during submissions: the real server (build/.../meldwijzer serve) on
 * 127.0.0.1 ($MELDWIJZER_TEST_PORT + 20, else 18620), 24 clients that
 * submit reports as fast as they can, and SIGTERM in the middle of it. The
 * server must stop with exit 0 and say so; every report whose receipt a
 * client received must open with that receipt afterwards; and no report may
 * be stored whose receipt never reached its client (the drain answers every
 * request the server took in before it stops). Connections that the kernel
 * held for the server but the server never took in are reset: the client
 * sees an error and nothing was stored.
 * (tests/http/durability.test.mjs does the same with SIGKILL.) */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"
#include "db.h"
#include "report.h"

#define CLIENTS 24
#define PER_CLIENT 200

struct acknowledged {
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	char what[64];
};

static struct acknowledged receipts[CLIENTS * PER_CLIENT];
static atomic_uint receipt_count;
static atomic_uint unanswered; /* sent whole, then the connection closed without a response */
static atomic_uint refused;    /* not taken in: connect failed (the server had stopped listening) */
static atomic_bool stop_clients;
static unsigned port;

static void run(const char *const argv[], const char *out_path)
{
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out, 1);
		dup2(out, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* One submission; true when it was answered 201 with a receipt. */
static void submit(unsigned client, unsigned number)
{
	char body[128], request[512], response[4096];
	struct acknowledged entry;
	snprintf(entry.what, sizeof entry.what, "sigterm report %u-%u", client, number);
	snprintf(body, sizeof body, "{\"what\": \"%s\"}", entry.what);
	int len = snprintf(request, sizeof request,
			   "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			   strlen(body), body);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
	if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
		close(fd);
		atomic_fetch_add(&refused, 1);
		atomic_store(&stop_clients, true);
		return;
	}
	if (write(fd, request, (size_t)len) != len) {
		close(fd);
		atomic_fetch_add(&refused, 1); /* not taken in whole */
		return;
	}
	size_t got = 0;
	ssize_t n;
	while (got < sizeof response - 1 && (n = read(fd, response + got, sizeof response - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	response[got] = '\0';
	if (got == 0) {
		atomic_fetch_add(&unanswered, 1);
		return;
	}
	if (strncmp(response, "HTTP/1.1 201", 12) != 0)
		return; /* 503 while stopping, or the like: answered, not acknowledged */
	const char *json = strstr(response, "\r\n\r\n");
	json_t *parsed = json ? json_loads(json + 4, 0, NULL) : NULL;
	const char *receipt = json_string_value(json_object_get(parsed, "receipt"));
	if (receipt) {
		snprintf(entry.receipt, sizeof entry.receipt, "%s", receipt);
		receipts[atomic_fetch_add(&receipt_count, 1)] = entry;
	}
	json_decref(parsed);
}

static void *client_main(void *arg)
{
	unsigned client = (unsigned)(uintptr_t)arg;
	for (unsigned i = 0; i < PER_CLIENT && !atomic_load(&stop_clients); i++)
		submit(client, i);
	return NULL;
}

static unsigned test_port(void)
{
	const char *base = getenv("MELDWIJZER_TEST_PORT");
	char *end = NULL;
	unsigned long value = base ? strtoul(base, &end, 10) : 0;
	return (base && *end == '\0' && value >= 1024 && value < 65000 ? (unsigned)value : 18600) + 20;
}

static void count_report(void *ctx, const struct db_report *report)
{
	(void)report;
	++*(unsigned *)ctx;
}

static void test_sigterm_during_submissions(void **state)
{
	(void)state;
	char dir[] = "/tmp/meldwijzer-sigterm-XXXXXX", url[128], config_path[128], out_path[128], listen[64];
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof url, "sqlite:%s/reports.db", dir);
	snprintf(config_path, sizeof config_path, "%s/serve.ini", dir);
	snprintf(out_path, sizeof out_path, "%s/serve.out", dir);
	port = test_port();
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	FILE *config = fopen(config_path, "w");
	assert_non_null(config);
	fputs("[limits]\nsubmissions_per_hour = 1000000\nconnections_per_address = 100\n", config);
	fclose(config);
	const char *init[] = {TEST_BINARY, "--data", TEST_DATADIR, "init", "--db", url, NULL};
	run(init, NULL);

	pid_t server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(out, 1);
		dup2(out, 2);
		execl(TEST_BINARY, TEST_BINARY, "--data", TEST_DATADIR, "serve", "--listen", listen, "--db", url, "--config",
		      config_path, (char *)NULL);
		_exit(127);
	}
	/* ready when it says so */
	for (int i = 0; i < 3000; i++) {
		char text[512] = {0};
		FILE *out = fopen(out_path, "r");
		if (out) {
			size_t n = fread(text, 1, sizeof text - 1, out);
			text[n] = '\0';
			fclose(out);
		}
		if (strstr(text, "serving on"))
			break;
		assert_int_equal(waitpid(server, NULL, WNOHANG), 0); /* still running */
		nanosleep(&(struct timespec){0, 10000000}, NULL);
	}

	pthread_t clients[CLIENTS];
	for (uintptr_t c = 0; c < CLIENTS; c++)
		assert_int_equal(pthread_create(&clients[c], NULL, client_main, (void *)c), 0);
	while (atomic_load(&receipt_count) < 40)
		nanosleep(&(struct timespec){0, 5000000}, NULL);
	assert_int_equal(kill(server, SIGTERM), 0);
	int status;
	assert_int_equal(waitpid(server, &status, 0), server);
	atomic_store(&stop_clients, true);
	for (int c = 0; c < CLIENTS; c++)
		pthread_join(clients[c], NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char text[4096] = {0};
	FILE *out = fopen(out_path, "r");
	assert_non_null(out);
	text[fread(text, 1, sizeof text - 1, out)] = '\0';
	fclose(out);
	assert_non_null(strstr(text, "meldwijzer: stopped"));
	print_message("%u acknowledged, %u refused after the stop, %u reset without an answer\n",
		      atomic_load(&receipt_count), atomic_load(&refused), atomic_load(&unanswered));

	/* every acknowledged report opens with its receipt */
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE], key_path[160];
	load_real_kb(&kb);
	assert_int_equal(crypt_init(), 0);
	assert_int_equal(db_open(&db, url, false, error), 0);
	assert_int_equal(db_default_key_path(url, key_path, sizeof key_path), 0);
	assert_int_equal(reporting_open(&reporting, &kb, db, key_path, report_error), 0);
	const int64_t now = (int64_t)time(NULL);
	for (unsigned i = 0; i < atomic_load(&receipt_count); i++) {
		char token[REPORT_TOKEN_SIZE];
		json_t *report = NULL;
		if (report_login_at(&reporting, receipts[i].receipt, now, token) != 0)
			fail_msg("receipt %u (%s) does not open its report", i, receipts[i].what);
		assert_int_equal(report_followup_at(&reporting, token, now, &report), 0);
		assert_string_equal(json_string_value(json_object_get(report, "what")), receipts[i].what);
		json_decref(report);
		assert_true(report_logout(&reporting, token));
	}
	/* and no report was stored whose receipt never reached its client: the
	 * server answered everything it took in before it stopped */
	unsigned stored = 0;
	assert_int_equal(db_list_reports(db, count_report, &stored), 0);
	assert_int_equal(stored, atomic_load(&receipt_count));
	reporting_close(&reporting);
	db_close(db);
	kb_release(&kb);
	char command[256];
	snprintf(command, sizeof command, "%s/reports.db", dir);
	const char *suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(command, sizeof command, "%s/reports.db%s", dir, suffixes[i]);
		unlink(command);
	}
	unlink(config_path);
	unlink(out_path);
	rmdir(dir);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigterm_during_submissions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
