/* The metrics listener: see metrics.h. */
#define _POSIX_C_SOURCE 200809L
#include "metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "strbuf.h"
#include "thread_role.h"

#define METRICS_CONNECTIONS 16
#define METRICS_TIMEOUT_SECONDS 10
#define METRICS_BODY_CAP (256u * 1024)
#define METRICS_MIN_REFRESH_MS 1000

static const char *const route_names[HTTP_ROUTE_CLASSES] = {"page", "json", "static", "staff"};
static const char *const storage_states[] = {"ok", "full", "write_failed", "low_space", "unreachable"};

struct metrics {
	struct MHD_Daemon *daemon;
	struct http_server *server;
	struct db *db;
	/* the count of reports per status, made by the refresher thread */
	pthread_t refresher;
	bool refresher_started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, refresh_wanted;
	bool counts_ok;                 /* the last count query succeeded */
	bool counted;                   /* a count has ever succeeded */
	struct db_case_counts counts;   /* the last successful count */
	int64_t counted_ms, tried_ms;   /* monotonic: last success, last try */
};

static int64_t monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* ---------- the count of reports per status, off the scrape's path ---------- */

/* The count per status: one query on the case queue (cases_by_status), which
 * every backend has. 0, or -1. */
static int count_reports(struct metrics *m, struct db_case_counts *counts)
{
	return db_case_counts(m->db, counts);
}

static void *refresh_main(void *arg)
{
	struct metrics *m = arg;
	pthread_mutex_lock(&m->lock);
	while (!m->stopping) {
		m->refresh_wanted = false;
		pthread_mutex_unlock(&m->lock);
		struct db_case_counts counts;
		int status = count_reports(m, &counts); /* may wait for the database: this thread only */
		int64_t now = monotonic_ms();
		pthread_mutex_lock(&m->lock);
		m->tried_ms = now;
		m->counts_ok = status == 0;
		if (status == 0) {
			m->counts = counts;
			m->counted = true;
			m->counted_ms = now;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += METRICS_REFRESH_SECONDS;
		while (!m->stopping && !m->refresh_wanted) {
			if (pthread_cond_timedwait(&m->wake, &m->lock, &until) != 0)
				break; /* the interval is over */
		}
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/* ---------- the answers ---------- */

struct text {
	struct strbuf buf;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void add(struct text *text, const char *format, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, format);
	int len = vsnprintf(line, sizeof line, format, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof line || strbuf_add(&text->buf, line, (size_t)len) != STRBUF_OK)
		text->failed = true;
}

static void add_header(struct text *text, const char *name, const char *type, const char *help)
{
	add(text, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void add_histograms(struct text *text, const char *name, const char *help,
			   const struct http_histogram histograms[HTTP_ROUTE_CLASSES])
{
	add_header(text, name, "histogram", help);
	for (size_t r = 0; r < HTTP_ROUTE_CLASSES; r++) {
		const struct http_histogram *h = &histograms[r];
		uint64_t cumulative = 0;
		for (size_t b = 0; b < HTTP_LATENCY_BUCKETS; b++) {
			cumulative += h->buckets[b];
			add(text, "%s_bucket{class=\"%s\",le=\"%g\"} %llu\n", name, route_names[r], http_latency_bounds[b],
			    (unsigned long long)cumulative);
		}
		add(text, "%s_bucket{class=\"%s\",le=\"+Inf\"} %llu\n", name, route_names[r], (unsigned long long)h->count);
		add(text, "%s_sum{class=\"%s\"} %.6f\n", name, route_names[r], (double)h->sum_us / 1e6);
		add(text, "%s_count{class=\"%s\"} %llu\n", name, route_names[r], (unsigned long long)h->count);
	}
}

/* How long this server's commits took (the WAL flush: fsync on SQLite, the
 * database server's flush and answer on PostgreSQL). The count is summed
 * from the buckets, so the exposition is consistent within itself even while
 * a commit is counted meanwhile. */
static void add_commit_histogram(struct text *text, const struct db_stats *stats)
{
	static const char name[] = "meldwijzer_db_commit_duration_seconds";
	add_header(text, name, "histogram", "From right before COMMIT until it returned, for this server's commits.");
	uint64_t cumulative = 0;
	for (size_t b = 0; b < DB_COMMIT_BUCKETS; b++) {
		cumulative += stats->commit_buckets[b];
		add(text, "%s_bucket{le=\"%g\"} %llu\n", name, db_commit_bounds[b], (unsigned long long)cumulative);
	}
	cumulative += stats->commit_buckets[DB_COMMIT_BUCKETS];
	add(text, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cumulative);
	add(text, "%s_sum %.6f\n", name, (double)stats->commit_us_sum / 1e6);
	add(text, "%s_count %llu\n", name, (unsigned long long)cumulative);
}

static void add_gauge(struct text *text, const char *name, const char *type, const char *help, unsigned long long value)
{
	add_header(text, name, type, help);
	add(text, "%s %llu\n", name, value);
}

static void write_metrics(struct metrics *m, struct text *text)
{
	struct http_counters http;
	http_server_counters(m->server, &http);
	add_header(text, "meldwijzer_http_requests_total", "counter",
		   "Requests answered, by route class and status class.");
	for (size_t r = 0; r < HTTP_ROUTE_CLASSES; r++) {
		for (size_t s = 0; s < HTTP_STATUS_CLASSES; s++)
			add(text, "meldwijzer_http_requests_total{class=\"%s\",status=\"%zuxx\"} %llu\n", route_names[r],
			    s + 1, (unsigned long long)http.requests[r][s]);
	}
	add_histograms(text, "meldwijzer_http_request_duration_seconds",
		       "From the request line to the response sent, by route class.", http.latency);
	add_histograms(text, "meldwijzer_worker_job_duration_seconds",
		       "Blocking jobs (database, fsync) run in a worker, by route class; a submission's is its commit.",
		       http.jobs);
	add_gauge(text, "meldwijzer_http_open_connections", "gauge", "Open connections on the public port.",
		  http.open_connections);
	add_gauge(text, "meldwijzer_worker_queue_depth", "gauge", "Blocking jobs waiting for a worker.", http.queue_depth);
	add_gauge(text, "meldwijzer_worker_queue_capacity", "gauge", "Jobs the queue holds before it answers 503.",
		  http.queue_capacity);
	add_gauge(text, "meldwijzer_workers", "gauge", "Worker threads.", http.workers);
	add_gauge(text, "meldwijzer_workers_busy", "gauge", "Worker threads running a job now.", http.workers_busy);
	add_gauge(text, "meldwijzer_worker_queue_full_total", "counter", "Requests answered 503 because the queue was full.",
		  http.queue_full);

	struct db_stats stats;
	db_get_stats(m->db, &stats);
	add_gauge(text, "meldwijzer_db_commits_total", "counter", "Write transactions committed by this server.",
		  stats.commits);
	add_gauge(text, "meldwijzer_db_reports_committed_total", "counter", "Reports stored by those commits.",
		  stats.reports_committed);
	add_gauge(text, "meldwijzer_db_largest_commit_batch", "gauge", "The most reports one commit carried.",
		  stats.largest_batch);
	add_gauge(text, "meldwijzer_db_commit_waiting", "gauge", "Reports waiting now for the next commit.", stats.waiting);
	add_commit_histogram(text, &stats);

	struct db_storage storage;
	db_storage_state(m->db, &storage); /* no lock, no waiting (db.h) */
	const char *state = storage.ok ? "ok" : storage.problem ? storage.problem : "write_failed";
	add_gauge(text, "meldwijzer_storage_ready", "gauge", "1 while reports can be stored, else 0.", storage.ok ? 1 : 0);
	add_header(text, "meldwijzer_storage_state", "gauge", "The storage state: 1 for the current one.");
	for (size_t i = 0; i < sizeof storage_states / sizeof *storage_states; i++)
		add(text, "meldwijzer_storage_state{state=\"%s\"} %d\n", storage_states[i],
		    strcmp(state, storage_states[i]) == 0);

	pthread_mutex_lock(&m->lock);
	bool counted = m->counted, counts_ok = m->counts_ok;
	struct db_case_counts counts = m->counts;
	int64_t now = monotonic_ms(), age_ms = now - m->counted_ms;
	if (now - m->tried_ms >= METRICS_MIN_REFRESH_MS) {
		m->refresh_wanted = true; /* the next scrape sees a newer count; this one does not wait */
		pthread_cond_signal(&m->wake);
	}
	pthread_mutex_unlock(&m->lock);
	add_gauge(text, "meldwijzer_reports_count_ok", "gauge", "1 when the last count of reports per status succeeded.",
		  counts_ok ? 1 : 0);
	if (counted) {
		add_header(text, "meldwijzer_reports", "gauge", "Reports per status (counted in the background).");
		add(text, "meldwijzer_reports{status=\"new\"} %lld\n", (long long)counts.new_count);
		add(text, "meldwijzer_reports{status=\"in_progress\"} %lld\n", (long long)counts.in_progress);
		add(text, "meldwijzer_reports{status=\"referred\"} %lld\n", (long long)counts.referred);
		add(text, "meldwijzer_reports{status=\"closed\"} %lld\n", (long long)counts.closed);
		add_header(text, "meldwijzer_reports_count_age_seconds", "gauge", "How old the count of reports is.");
		add(text, "meldwijzer_reports_count_age_seconds %.3f\n", (double)age_ms / 1000.0);
	}
}

static enum MHD_Result respond(struct MHD_Connection *connection, unsigned status, const char *type, const char *body,
			       size_t len)
{
	struct MHD_Response *response = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, "Content-Type", type);
	MHD_add_response_header(response, "Cache-Control", "no-store");
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(response, "Allow", "GET, HEAD");
	enum MHD_Result result = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return result;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	(void)upload_data;
	(void)con_cls;
	thread_role_mark_http(); /* a scrape never runs SQL: db.c aborts (debug builds) if one tries */
	struct metrics *m = cls;
	*upload_data_size = 0; /* no request here has a body worth reading */
	static const char plain[] = "text/plain; charset=utf-8";
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED, plain, "method not allowed\n", 19);
	if (strcmp(url, "/metrics") == 0) {
		struct text text = {.failed = false};
		strbuf_init(&text.buf, METRICS_BODY_CAP);
		write_metrics(m, &text);
		enum MHD_Result result =
			text.failed ? respond(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, plain, "metrics too large\n", 18)
				    : respond(connection, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
					      text.buf.buf ? text.buf.buf : "", text.buf.len);
		strbuf_release(&text.buf);
		return result;
	}
	if (strcmp(url, "/ready") == 0) {
		struct db_storage storage;
		db_storage_state(m->db, &storage);
		char body[120];
		int len = snprintf(body, sizeof body, "{\"ready\": %s, \"storage\": \"%s\"}\n", storage.ok ? "true" : "false",
				   storage.ok ? "ok" : storage.problem ? storage.problem : "write_failed");
		return respond(connection, storage.ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", body,
			       (size_t)len);
	}
	return respond(connection, MHD_HTTP_NOT_FOUND, plain, "not found\n", 10);
}

/* MHD's messages may carry a client's details in their arguments: the fixed text only. */
static void log_fixed_text(void *cls, const char *format, va_list ap)
{
	(void)cls;
	(void)ap;
	char line[200];
	size_t len = strcspn(format, "%\n");
	if (len >= sizeof line)
		len = sizeof line - 1;
	memcpy(line, format, len);
	line[len] = '\0';
	fprintf(stderr, "meldwijzer: metrics: %s\n", line);
}

struct metrics *metrics_start(const struct server_config *config, struct http_server *server, struct db *db,
			      char *error, size_t error_size)
{
	struct sockaddr_storage address;
	memset(&address, 0, sizeof address);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
	if (inet_pton(AF_INET, config->metrics_host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)config->metrics_port);
	} else if (inet_pton(AF_INET6, config->metrics_host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)config->metrics_port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(error, error_size, "metrics_listen: '%.200s' is not an IPv4 or IPv6 address", config->metrics_host);
		return NULL;
	}
	if (config->metrics_port == config->port && strcmp(config->metrics_host, config->listen_host) == 0) {
		snprintf(error, error_size, "metrics_listen: must not be the public address (listen)");
		return NULL;
	}
	struct metrics *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(error, error_size, "out of memory");
		return NULL;
	}
	m->server = server;
	m->db = db;
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m);
		snprintf(error, error_size, "metrics: cannot make a lock");
		return NULL;
	}
	if (pthread_cond_init(&m->wake, NULL) != 0) {
		pthread_mutex_destroy(&m->lock);
		free(m);
		snprintf(error, error_size, "metrics: cannot make a lock");
		return NULL;
	}
	/* the threads here take no signal: the server waits for SIGINT and SIGTERM in its main thread */
	sigset_t all, previous;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	m->refresher_started = pthread_create(&m->refresher, NULL, refresh_main, m) == 0;
	if (m->refresher_started)
		m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, m, MHD_OPTION_EXTERNAL_LOGGER, log_fixed_text,
					     NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
					     MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONNECTIONS,
					     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_SECONDS,
					     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (!m->daemon) {
		snprintf(error, error_size, "metrics: cannot listen on %.200s port %u (in use, or not allowed)",
			 config->metrics_host, config->metrics_port);
		metrics_stop(m);
		return NULL;
	}
	return m;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	if (m->refresher_started) {
		pthread_mutex_lock(&m->lock);
		m->stopping = true;
		pthread_cond_signal(&m->wake);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->refresher, NULL);
	}
	pthread_cond_destroy(&m->wake);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
