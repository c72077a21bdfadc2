/* http through a real server on 127.0.0.1 (from port $MELDWIJZER_TEST_PORT,
 * else 18590, the first ten free ones) with a handler that shows what the form
 * parser made of a form (bytes that are not UTF-8 text, NUL, and fields sent
 * twice), and a reply whose body carries a secret. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <time.h>
#include <jansson.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "crypt.h"
#include "http.h"
#include "http_form.h"

/* A body from a wiping buffer, as a receipt page would send it. */
static void secret_reply(struct http_reply *reply)
{
	struct crypt_buffer buffer;
	crypt_buffer_init(&buffer, 1024);
	if (crypt_buffer_add(&buffer, "receipt ABCDE-FGHJK", 19) != 0) {
		reply->status = 500;
		return;
	}
	reply->secret_body = crypt_buffer_detach(&buffer, &reply->secret_len);
	reply->content_type = "text/plain";
}

static void show_form(void *app, const struct http_request *request, struct http_reply *reply)
{
	(void)app;
	if (strcmp(request->path, "/secret") == 0) {
		secret_reply(reply);
		return;
	}
	static const char *const repeatable[] = {"form", "signal", NULL};
	json_t *fields = json_array();
	for (size_t i = 0; i < request->form_count; i++)
		json_array_append_new(fields, json_pack("[s, s]", request->form[i].key, request->form[i].value));
	const char *repeated = http_form_repeated(request, repeatable);
	json_t *shown = json_pack("{s:b, s:s?, s:o}", "invalid", request->form_invalid, "repeated", repeated, "fields",
				  fields);
	char *text = json_dumps(shown, JSON_COMPACT);
	json_decref(shown);
	if (strbuf_add(&reply->body, text, strlen(text)) != STRBUF_OK)
		reply->status = 500;
	free(text);
	reply->content_type = "application/json";
}

static void error_page(void *app, const struct http_request *request, unsigned status, struct http_reply *reply)
{
	(void)app;
	(void)request;
	reply->status = status;
}

/* The port in $MELDWIJZER_TEST_PORT, or 0 when it is not one. */
static unsigned port_from_text(const char *text)
{
	char *end;
	unsigned long port = strtoul(text, &end, 10);
	return *end || port < 1024 || port > 65000 ? 0 : (unsigned)port;
}

struct fixture {
	struct http_server *server;
	unsigned port;
};

static int setup(void **state)
{
	static struct fixture f;
	static struct server_config config;
	char error[200];
	assert_int_equal(crypt_init(), 0);
	config_defaults(&config, "web");
	snprintf(config.listen_host, sizeof config.listen_host, "127.0.0.1");
	config.threads = 1;
	config.workers = 1;
	const char *base = getenv("MELDWIJZER_TEST_PORT");
	unsigned first = base && port_from_text(base) ? port_from_text(base) : 18590;
	for (unsigned port = first; port < first + 10 && !f.server; port++) {
		config.port = port;
		f.server = http_server_start(&config, show_form, error_page, NULL, error, sizeof error);
		f.port = port;
	}
	assert_non_null(f.server);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	http_server_stop(f->server);
	f->server = NULL;
	return 0;
}

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&address, sizeof address), 0);
	return fd;
}

/* Sends `request` on a new connection and reads the whole response into `response`. */
static void exchange(unsigned port, const char *request, char *response, size_t size)
{
	int fd = connect_to(port);
	assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(fd, response + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	response[got] = '\0';
}

/* POSTs a form body and returns the handler's JSON. */
static json_t *post_form(struct fixture *f, const char *body)
{
	char request[4096], response[8192];
	snprintf(request, sizeof request,
		 "POST /melden HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		 strlen(body), body);
	exchange(f->port, request, response, sizeof response);
	const char *json = strstr(response, "\r\n\r\n");
	assert_non_null(json);
	json_t *parsed = json_loads(json + 4, 0, NULL);
	if (!parsed)
		fail_msg("not JSON: %s", response);
	return parsed;
}

static const char *value_of(json_t *shown, size_t index)
{
	return json_string_value(json_array_get(json_array_get(json_object_get(shown, "fields"), index), 1));
}

static void test_valid_forms(void **state)
{
	json_t *shown = post_form(*state, "what=caf%C3%A9+%E2%82%AC+%F0%9F%99%82&form=labour&form=sexual");
	assert_false(json_is_true(json_object_get(shown, "invalid")));
	assert_true(json_is_null(json_object_get(shown, "repeated")));
	assert_string_equal(value_of(shown, 0), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82");
	json_decref(shown);
}

/* Every case is refused as a whole; the bad bytes read as U+FFFD, so the
 * rest of what was typed can be shown again. */
static void test_bytes_that_are_not_text(void **state)
{
	static const struct {
		const char *body, *value;
	} cases[] = {
		{"what=%FF%FEabc", "\xef\xbf\xbd\xef\xbf\xbd" "abc"},
		{"what=CASE2-VISIBLE%00HIDDEN-TAIL", "CASE2-VISIBLE\xef\xbf\xbdHIDDEN-TAIL"},
		{"what=x%C0%AFy", "x\xef\xbf\xbd\xef\xbf\xbdy"},             /* overlong '/' */
		{"what=%ED%A0%80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
		{"what=caf%E9", "caf\xef\xbf\xbd"},                          /* Latin-1 */
		{"what=%F0%9F%99", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* cut short */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *shown = post_form(*state, cases[i].body);
		if (!json_is_true(json_object_get(shown, "invalid")))
			fail_msg("%s: not marked invalid", cases[i].body);
		if (!value_of(shown, 0) || strcmp(value_of(shown, 0), cases[i].value) != 0)
			fail_msg("%s: value %s", cases[i].body, value_of(shown, 0) ? value_of(shown, 0) : "(none)");
		json_decref(shown);
	}
	json_t *shown = post_form(*state, "wh%FFat=x");
	assert_true(json_is_true(json_object_get(shown, "invalid")));
	json_decref(shown);
}

static void test_fields_sent_twice(void **state)
{
	json_t *shown = post_form(*state, "what=A&form=labour&what=B&signal=a&signal=b");
	assert_string_equal(json_string_value(json_object_get(shown, "repeated")), "what");
	assert_false(json_is_true(json_object_get(shown, "invalid")));
	json_decref(shown);
}

/* A body from a crypt_buffer is sent as it is, with the usual headers. */
static void test_secret_body(void **state)
{
	struct fixture *f = *state;
	char response[4096];
	exchange(f->port, "GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", response, sizeof response);
	assert_non_null(strstr(response, "HTTP/1.1 200"));
	assert_non_null(strstr(response, "Cache-Control: no-store"));
	assert_non_null(strstr(response, "Content-Length: 19"));
	const char *body = strstr(response, "\r\n\r\n");
	assert_non_null(body);
	assert_string_equal(body + 4, "receipt ABCDE-FGHJK");
}

/* ---------- the worker pool, with a job held on purpose ---------- */

struct held_jobs {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned started, handled;
	bool release;
};

static struct held_jobs held = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false};

static void held_job(void *app, const struct http_request *request, struct http_reply *reply)
{
	(void)app;
	(void)request;
	pthread_mutex_lock(&held.lock);
	held.started++;
	pthread_cond_broadcast(&held.changed);
	while (!held.release)
		pthread_cond_wait(&held.changed, &held.lock);
	pthread_mutex_unlock(&held.lock);
	reply->deferred = NULL;
	reply->content_type = "text/plain";
	if (strbuf_add(&reply->body, "done", 4) != STRBUF_OK)
		reply->status = 500;
}

/* Every request is a blocking job. */
static void defer_everything(void *app, const struct http_request *request, struct http_reply *reply)
{
	(void)app;
	(void)request;
	pthread_mutex_lock(&held.lock);
	held.handled++;
	pthread_mutex_unlock(&held.lock);
	reply->deferred = held_job;
}

static void held_reset(void)
{
	pthread_mutex_lock(&held.lock);
	held.started = held.handled = 0;
	held.release = false;
	pthread_mutex_unlock(&held.lock);
}

static void held_wait(unsigned *counter, unsigned count)
{
	pthread_mutex_lock(&held.lock);
	while (*counter < count) {
		pthread_mutex_unlock(&held.lock);
		nanosleep(&(struct timespec){0, 1000000}, NULL);
		pthread_mutex_lock(&held.lock);
	}
	pthread_mutex_unlock(&held.lock);
}

static void held_release(void)
{
	pthread_mutex_lock(&held.lock);
	held.release = true;
	pthread_cond_broadcast(&held.changed);
	pthread_mutex_unlock(&held.lock);
}

/* A server with one worker and a queue of one, on a port of its own. */
static struct http_server *start_pool_server(unsigned *port_out)
{
	static struct server_config config;
	char error[200];
	config_defaults(&config, "web");
	config.threads = 1;
	config.workers = 1;
	config.queue = 1;
	struct http_server *server = NULL;
	const char *base = getenv("MELDWIJZER_TEST_PORT");
	unsigned first = (base && port_from_text(base) ? port_from_text(base) : 18590) + 10;
	for (unsigned port = first; port < first + 10 && !server; port++) {
		config.port = port;
		server = http_server_start(&config, defer_everything, error_page, NULL, error, sizeof error);
		*port_out = port;
	}
	assert_non_null(server);
	return server;
}

static int send_get(unsigned port)
{
	int fd = connect_to(port);
	static const char request[] = "GET /job HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(write(fd, request, sizeof request - 1), (ssize_t)sizeof request - 1);
	return fd;
}

static void read_all(int fd, char *response, size_t size)
{
	size_t got = 0;
	ssize_t n;
	while (got < size - 1 && (n = read(fd, response + got, size - 1 - got)) > 0)
		got += (size_t)n;
	response[got] = '\0';
	close(fd);
}

static size_t open_descriptors(void)
{
	size_t count = 0;
	DIR *fds = opendir("/proc/self/fd");
	assert_non_null(fds);
	while (readdir(fds))
		count++;
	closedir(fds);
	return count;
}

/* One job running, one waiting: the next request is answered 503 with
 * Retry-After at once, and the two taken in are answered when the job ends. */
static void test_full_queue_answers_503(void **state)
{
	(void)state;
	unsigned port;
	char response[4096];
	held_reset();
	struct http_server *server = start_pool_server(&port);
	int running = send_get(port);
	held_wait(&held.started, 1); /* the worker holds the first job */
	int waiting = send_get(port);
	/* with one server thread, the second request is queued before the third is read */
	held_wait(&held.handled, 2);
	int refused = send_get(port);
	read_all(refused, response, sizeof response);
	assert_non_null(strstr(response, "HTTP/1.1 503"));
	assert_non_null(strstr(response, "Retry-After: 5"));
	held_release();
	read_all(running, response, sizeof response);
	assert_non_null(strstr(response, "HTTP/1.1 200"));
	assert_non_null(strstr(response, "done"));
	read_all(waiting, response, sizeof response);
	assert_non_null(strstr(response, "HTTP/1.1 200"));
	http_server_stop(server);
}

struct stopper {
	struct http_server *server;
	bool stopped;
};

static void *stop_in_thread(void *arg)
{
	struct stopper *stopper = arg;
	http_server_stop(stopper->server);
	stopper->stopped = true;
	return NULL;
}

/* A stop while a job runs: the stop waits, the job's answer is sent, no
 * connection is refused an answer it was promised; after the stop nothing
 * is left open (the quiesced listening socket included). */
static void test_stop_answers_what_it_took_in(void **state)
{
	(void)state;
	unsigned port;
	char response[4096];
	held_reset();
	size_t before = open_descriptors();
	struct http_server *server = start_pool_server(&port);
	int running = send_get(port);
	held_wait(&held.started, 1);
	struct stopper stopper = {server, false};
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, stop_in_thread, &stopper), 0);
	nanosleep(&(struct timespec){0, 50000000}, NULL); /* the stop has begun: no new connections */
	held_release();
	read_all(running, response, sizeof response);
	pthread_join(thread, NULL);
	assert_true(stopper.stopped);
	if (!strstr(response, "HTTP/1.1 200"))
		fail_msg("the job's answer was not sent before the server stopped: '%.80s'", response);
	assert_int_equal(open_descriptors(), before);
}

/* A request still arriving when the stop begins was taken in: the stop
 * waits for the rest of it and answers it. */
static void test_stop_finishes_a_request_on_its_way(void **state)
{
	(void)state;
	unsigned port;
	char response[4096];
	held_reset();
	held_release(); /* jobs run straight through */
	struct http_server *server = start_pool_server(&port);
	int fd = connect_to(port);
	static const char head[] = "POST /job HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
				   "Content-Length: 10\r\nConnection: close\r\n\r\n01234";
	assert_int_equal(write(fd, head, sizeof head - 1), (ssize_t)sizeof head - 1);
	nanosleep(&(struct timespec){0, 100000000}, NULL); /* the server has read the headers */
	struct stopper stopper = {server, false};
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, stop_in_thread, &stopper), 0);
	nanosleep(&(struct timespec){0, 100000000}, NULL); /* the stop has begun */
	assert_false(stopper.stopped);
	assert_int_equal(write(fd, "56789", 5), 5);
	read_all(fd, response, sizeof response);
	pthread_join(thread, NULL);
	if (!strstr(response, "HTTP/1.1 200"))
		fail_msg("a request taken in before the stop was not answered: '%.80s'", response);
}

/* The field cap holds whatever a piece's offset claims (found by
 * tests/fuzz/fuzz_form.c: a new key with a nonzero offset used to take a slot
 * past the end of the array). */
static void test_form_cap_holds_whatever_the_offsets_say(void **state)
{
	(void)state;
	struct http_form form;
	assert_int_equal(http_form_init(&form, 2, 100), 0);
	assert_true(http_form_collect(&form, "a", "1", 0, 1));
	assert_true(http_form_collect(&form, "b", "2", 0, 1));
	assert_true(http_form_collect(&form, "b", "3", 1, 1)); /* b goes on */
	assert_false(http_form_collect(&form, "c", "4", 5, 1)); /* a third field, whatever it says */
	assert_true(form.overflow);
	assert_int_equal(form.count, 2);
	http_form_release(&form);
	/* and the bytes cap counts a key each time a field starts */
	assert_int_equal(http_form_init(&form, 10, 6), 0);
	assert_true(http_form_collect(&form, "ab", "cd", 0, 2));
	assert_false(http_form_collect(&form, "ef", "g", 3, 1));
	assert_true(form.overflow);
	http_form_release(&form);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_body),
		cmocka_unit_test(test_form_cap_holds_whatever_the_offsets_say),
		cmocka_unit_test(test_full_queue_answers_503),
		cmocka_unit_test(test_stop_answers_what_it_took_in),
		cmocka_unit_test(test_stop_finishes_a_request_on_its_way),
		cmocka_unit_test(test_valid_forms),
		cmocka_unit_test(test_bytes_that_are_not_text),
		cmocka_unit_test(test_fields_sent_twice),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
