/*
 * metrics: Prometheus text format and a readiness answer, on a listener of
 * their own ([server] metrics_listen; off by default, meant for loopback or a
 * monitoring network), never on the public port. A second, small
 * libmicrohttpd daemon with one thread answers:
 *
 *   GET /metrics  requests by route class (page, json, static, staff) and
 *                 status class, latency histograms (whole requests, and the
 *                 blocking jobs in the workers: a submission's is its
 *                 commit), the worker queue, the writer's commits
 *                 (db_get_stats), reports per status, and the storage state
 *   GET /ready    200 {"ready": true, "storage": "ok"} while reports can be
 *                 stored, else 503 with the storage problem ("unreachable"
 *                 while the database cannot be reached)
 *
 * Nothing about a person: no address, no user agent, no path, no report
 * content; every label value is one of a fixed list.
 *
 * Where the work runs: a scrape reads atomics (http_server_counters,
 * db_get_stats, db_storage_state) and a cached count, and never waits for the
 * database. The count of reports per status (db_case_counts) runs in a thread
 * of this module: every METRICS_REFRESH_SECONDS, and after a scrape that found
 * the count older than a second (so the database sees at most one count query
 * a second, whatever the scrapers do). A backend without the case queue yet
 * (db_case_counts returns -1 there; PostgreSQL today) is counted from
 * db_list_reports instead, page by page, in the same thread. Its failure also tells a backend that
 * the database is away while the public site is idle, so /ready turns.
 */
#ifndef MELDWIJZER_METRICS_H
#define MELDWIJZER_METRICS_H

#include <stddef.h>

#include "config.h"
#include "db.h"
#include "http.h"

#define METRICS_REFRESH_SECONDS 15

struct metrics;

/* Starts listening on config->metrics_host:metrics_port (the caller checks
 * that metrics_port is set). `server` and `db` must outlive the metrics:
 * call metrics_stop() before http_server_stop() and db_close(). NULL with a
 * message in `error`. */
struct metrics *metrics_start(const struct server_config *config, struct http_server *server, struct db *db,
			      char *error, size_t error_size);
void metrics_stop(struct metrics *metrics);

#endif
