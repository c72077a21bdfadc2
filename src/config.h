/*
 * config: the web server's settings, from defaults, an INI file and flags
 * (in that order; later wins). Unknown sections or keys and bad values are
 * errors that name the file, line and key.
 *
 * [server]  listen = 127.0.0.1:8080     address:port (IPv4 or [IPv6]:port)
 *           public_base_url = http://127.0.0.1:8080   absolute URL the poster's QR codes lead to
 *           threads = 0                  0: one per core
 *           workers = 0                  blocking jobs (fsync, database reads) at once;
 *                                        0: eight per core, since they mostly wait for the disk
 *                                        (a group commit carries what waits: 4 per core left
 *                                        batches of at most 8 and cost a fifth of the durable rate)
 *           web_dir = web                templates and static files
 *           exit_url = https://www.google.com/   where "quick exit" leads
 *           fixed_time = RFC 3339        for tests and demonstrations only: the pages and the API
 *                                        show opening states as at this moment (unset: the clock)
 *           trusted_proxies =            addresses or networks (127.0.0.1, ::1, 10.0.0.0/8),
 *                                        comma-separated, whose X-Forwarded-For is believed
 *           key_file = PATH              the server key file (--key wins); unset: PATH.key
 *                                        beside a sqlite:PATH database, as before this setting
 *           metrics_listen = off         ADDR:PORT of the Prometheus metrics and readiness
 *                                        (src/metrics.c): a listener of its own, never the public
 *                                        one; keep it on loopback (127.0.0.1:9180) or a network only
 *                                        the monitoring reaches; "off" (the default): none
 *           unsafe_synchronous_off = no  "yes": SQLite commits without waiting for the disk
 *                                        (PRAGMA synchronous=OFF), so an acknowledged report can
 *                                        be lost in a power cut. For benchmarks only (the CPU
 *                                        cost of a submission without fsync); refused on PostgreSQL
 * [limits]  connections = 2048           total open connections
 *           connections_per_address = 16  (trusted proxies have no cap)
 *           connections_reserved = 0     kept for addresses with no connection open;
 *                                        0: a quarter of connections
 *           header_seconds = 10          deadline for a request's line and headers (and for
 *                                        the next request on a kept-alive connection)
 *           request_seconds = 30         deadline for a request's headers and body
 *           queue = 1024                 requests waiting for a worker (503 beyond)
 *           timeout_seconds = 15         idle connection timeout
 *           body_bytes = 65536           request body cap (413 beyond)
 *           url_bytes = 2048             path + query cap (414 beyond)
 *           fields = 200                 query/form fields cap (400 beyond)
 *           submissions_per_hour = 10    reports per client and hour (429 beyond)
 *           receipt_attempts_per_hour = 20  receipt logins per client and hour
 * [site]    operator = ...               who reads the online reports (a name); unset: the
 *                                        pages say plainly that this is not known
 *           operator_about = ...         what that is, in Dutch (one or two sentences)
 *           operator_about_en = ...      the same in English (else operator_about is shown)
 *           operator_url = https://...   where to read more about the operator
 *           answer_days = 0              the usual time to an answer, in days; 0: not known
 *                                        (what the public pages promise; [cases] answer_days
 *                                        is the team's deadline)
 * [cases]   answer_days = 7              the first answer is due this many days after receipt (1-365)
 *           feedback_months = 3          feedback is due this many months after receipt (1-24)
 *           due_soon_days = 2            the queue marks a deadline this close as due soon (0-60)
 *           retention_months = 12        a closed case is destroyed this long after closing (1-120)
 *           retention_warning_days = 14  the queue warns this long before destruction (0-365)
 *           (case.h's struct case_settings, whose defaults they are; `serve` applies them at start)
 */
#ifndef MELDWIJZER_CONFIG_H
#define MELDWIJZER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"

#define CONFIG_ERROR_SIZE 300
#define CONFIG_TEXT_SIZE 512
#define CONFIG_MAX_WORKERS 64

/* An address or network; IPv4 as ::ffff:a.b.c.d, so one comparison serves both. */
#define CONFIG_MAX_TRUSTED_PROXIES 16
struct config_network {
	unsigned char address[16];
	unsigned prefix; /* bits of `address` that count, of 128 */
};

struct server_config {
	char listen_host[CONFIG_TEXT_SIZE];
	unsigned port;
	char public_base_url[CONFIG_TEXT_SIZE]; /* without a trailing slash */
	char web_dir[CONFIG_TEXT_SIZE];
	char exit_url[CONFIG_TEXT_SIZE];
	char key_file[CONFIG_TEXT_SIZE];    /* empty: db_default_key_path() */
	char metrics_host[CONFIG_TEXT_SIZE]; /* [server] metrics_listen; only when metrics_port */
	unsigned metrics_port;              /* 0: no metrics listener (the default) */
	bool has_fixed_time;
	bool unsafe_synchronous_off;         /* [server] unsafe_synchronous_off: benchmarks only */
	int64_t fixed_time;                 /* UTC seconds; only when has_fixed_time */
	unsigned threads;
	unsigned workers;
	unsigned connections;
	unsigned connections_per_address;
	/* hardening settings (see hardening_setting in config.c) */
	unsigned queue;                     /* requests waiting for a worker thread */
	unsigned connections_reserved;      /* 0: connections / 4 */
	unsigned header_seconds;            /* request line and headers, from the connection's start */
	unsigned request_seconds;           /* headers and body */
	struct config_network trusted_proxies[CONFIG_MAX_TRUSTED_PROXIES];
	unsigned trusted_proxy_count;
	unsigned timeout_seconds;
	size_t body_bytes;
	size_t url_bytes;
	unsigned fields;
	unsigned submissions_per_hour;      /* per client (429 beyond) */
	unsigned receipt_attempts_per_hour; /* per client (429 beyond) */
	/* [site]: who reads online reports; empty strings when not set */
	char operator_name[CONFIG_TEXT_SIZE];
	char operator_about[2][CONFIG_TEXT_SIZE]; /* [0] Dutch, [1] English (empty: use [0]) */
	char operator_url[CONFIG_TEXT_SIZE];
	unsigned answer_days;               /* 0: not known */
	/* [cases]: deadlines and retention; case_settings_default() unless set */
	struct case_settings cases;
};

void config_defaults(struct server_config *config, const char *web_dir);
/* Reads an INI file over the current settings. */
__attribute__((warn_unused_result)) int config_load_file(struct server_config *config, const char *path,
							 char error[CONFIG_ERROR_SIZE]);
/* Sets "listen" from "ADDR:PORT" ("[::1]:8080" for IPv6). */
__attribute__((warn_unused_result)) int config_set_listen(struct server_config *config, const char *value,
							  char error[CONFIG_ERROR_SIZE]);

/* Sets "metrics_listen" from "ADDR:PORT", or "off". */
__attribute__((warn_unused_result)) int config_set_metrics_listen(struct server_config *config, const char *value,
								  char error[CONFIG_ERROR_SIZE]);

/* Reads an IPv4 or IPv6 address (IPv6 may be in brackets, IPv4 may carry a
 * ":port") of `len` bytes into its 16-byte form (IPv4 mapped into IPv6). */
bool config_parse_address(const char *text, size_t len, unsigned char out[16]);
/* Whether `address` (16-byte form) lies in `network`. */
bool config_network_contains(const struct config_network *network, const unsigned char address[16]);

#endif
