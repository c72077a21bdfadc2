/*
 * cli: the `meldwijzer` command line. Exit codes: 0 ok, 1 failure (I/O,
 * memory), 2 bad input or usage, always with a message that names what is
 * wrong. Every subcommand takes --help.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <signal.h>

#include "assess.h"
#include "audit.h"
#include "case.h"
#include "config.h"
#include "crypt.h"
#include "db.h"
#include "report.h"
#include "http.h"
#include "metrics.h"
#include "purge_job.h"
#include "web.h"
#include "contract.h"
#include "kb.h"
#include "route.h"
#include "situation.h"
#include "staff.h"
#include "strbuf.h"
#include "text.h"
#include "texts.h"
#include "timefmt.h"
#include "totp.h"
#include "wegwijzer.h"

#ifndef MELDWIJZER_DATADIR
#define MELDWIJZER_DATADIR "data"
#endif
#ifndef MELDWIJZER_WEBDIR
#define MELDWIJZER_WEBDIR "web"
#endif

#define EXIT_OK 0
#define EXIT_FAILURE_RUN 1
#define EXIT_BAD_INPUT 2
#define INPUT_CAP (1024u * 1024u)

struct options {
	const char *data_dir;
	bool json;
	bool help;
	bool has_time;
	int64_t at;
	bool has_lang;
	enum kb_lang lang;
	unsigned forms;
	const char *listen;
	const char *config_file;
	const char *web_dir;
	const char *db_url;
	const char *key_file;
	const char *args[2];
	int arg_count;
	unsigned roles; /* --role, once per role (user add) */
};

#define DEFAULT_DB "sqlite:var/meldwijzer.db"
#define KEY_PATH_SIZE 4200

struct command {
	const char *name;
	const char *usage;
	const char *allowed; /* the options it takes, as "json at lang form" */
	/* `texts` is loaded for the commands that speak to people (those that take --lang), else NULL */
	int (*run)(const struct kb *kb, const struct texts *texts, const struct options *options);
};

/* The command line's own keys in web/strings.json (the rest are text.c's and wegwijzer.c's). */
static const struct texts_need cli_keys[] = {{"cli_url_in_english", NULL}};

__attribute__((format(printf, 2, 3))) static int usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "meldwijzer%s%s: ", command ? " " : "", command ? command : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'meldwijzer%s%s --help'.\n", command ? " " : "", command ? command : "");
	return EXIT_BAD_INPUT;
}

static int64_t now_or(const struct options *options)
{
	return options->has_time ? options->at : (int64_t)time(NULL);
}

static int write_json(json_t *value)
{
	if (!value) {
		fprintf(stderr, "meldwijzer: out of memory\n");
		return EXIT_FAILURE_RUN;
	}
	int status = json_dumpf(value, stdout, JSON_INDENT(2));
	json_decref(value);
	fputc('\n', stdout);
	if (status != 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "meldwijzer: cannot write the output\n");
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

static int finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "meldwijzer: cannot write the output\n");
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

/* Reads stdin up to INPUT_CAP; on error prints why and returns the exit code. */
static int read_input(const char *command, struct strbuf *input)
{
	strbuf_init(input, INPUT_CAP);
	int status = strbuf_read_stream(input, stdin);
	if (status == STRBUF_TOO_LARGE) {
		fprintf(stderr, "meldwijzer %s: input: larger than %u bytes\n", command, INPUT_CAP);
		return EXIT_BAD_INPUT;
	}
	if (status != STRBUF_OK) {
		fprintf(stderr, "meldwijzer %s: input: cannot be read\n", command);
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

/* The channels in order; with signals, the weighing in words comes first (its
 * next step points to "the organisations below"). */
static void print_route_text(const struct kb *kb, const struct texts *texts, const struct route_result *route,
			     const struct assess_result *assessment, const struct situation *situation)
{
	enum kb_lang lang = situation->lang;
	if (route->urgent)
		printf("*** %s ***\n\n", text_get(texts, T_REASON_112_ACUTE, lang));
	if (assessment) {
		struct wegwijzer_view view = {.lang = lang, .about_self = situation->about_self, .details = false};
		wegwijzer_print_assessment(stdout, kb, texts, assessment, situation->signal_count, &view);
		putchar('\n');
		wegwijzer_print_result_heading(stdout, texts, lang);
	}
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		printf("%zu. %s: %s", i + 1, item->channel->name[lang], item->channel->phone_display);
		if (item->channel->url)
			printf(" / %s", item->channel->url);
		if (item->channel->url_en && lang == KB_LANG_EN)
			printf(" / %s %s", texts_get(texts, lang, "cli_url_in_english"), item->channel->url_en);
		printf("\n   %s\n", item->reason);
	}
}

static int run_route(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	struct strbuf input;
	int code = read_input("route", &input);
	if (code != EXIT_OK) {
		strbuf_release(&input);
		return code;
	}
	struct situation *situation = malloc(sizeof *situation);
	char error[SITUATION_ERROR_SIZE];
	if (!situation) {
		strbuf_release(&input);
		return EXIT_FAILURE_RUN;
	}
	if (situation_from_json(kb, input.buf, input.len, situation, error)) {
		fprintf(stderr, "meldwijzer route: situation: %s\n", error);
		strbuf_release(&input);
		free(situation);
		return EXIT_BAD_INPUT;
	}
	strbuf_release(&input);
	if (options->has_time) {
		situation->has_time = true;
		situation->at = options->at;
	}
	if (options->has_lang)
		situation->lang = options->lang;
	struct route_result route;
	route_for_situation(kb, texts, situation, now_or(options), &route);
	struct assess_result assessment;
	bool assessed = situation->signal_count > 0;
	if (assessed && assess_signals(kb, situation->signals, situation->signal_count, situation->age, situation->forms,
					   &assessment)) {
		free(situation);
		fprintf(stderr, "meldwijzer: out of memory\n");
		return EXIT_FAILURE_RUN;
	}
	if (options->json) {
		code = write_json(contract_route_json(kb, &route, assessed ? &assessment : NULL, situation->lang));
	} else {
		print_route_text(kb, texts, &route, assessed ? &assessment : NULL, situation);
		code = finish_output();
	}
	if (assessed)
		assess_result_release(&assessment);
	free(situation);
	return code;
}

static int run_assess(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	struct strbuf input;
	int code = read_input("assess", &input);
	if (code != EXIT_OK) {
		strbuf_release(&input);
		return code;
	}
	struct assess_request request;
	char error[SITUATION_ERROR_SIZE];
	if (assess_request_from_json(kb, input.buf, input.len, &request, error)) {
		fprintf(stderr, "meldwijzer assess: input: %s\n", error);
		strbuf_release(&input);
		return EXIT_BAD_INPUT;
	}
	strbuf_release(&input);
	if (options->has_lang)
		request.lang = options->lang;
	struct assess_result assessment;
	if (assess_signals(kb, request.signals, request.signal_count, request.age, request.forms, &assessment)) {
		fprintf(stderr, "meldwijzer: out of memory\n");
		return EXIT_FAILURE_RUN;
	}
	if (options->json) {
		code = write_json(contract_assessment_json(kb, &assessment, request.lang));
	} else {
		struct wegwijzer_view view = {.lang = request.lang, .about_self = false, .details = true};
		wegwijzer_print_assessment(stdout, kb, texts, &assessment, request.signal_count, &view);
		wegwijzer_print_channel_directory(stdout, kb, texts, request.lang);
		code = finish_output();
	}
	assess_result_release(&assessment);
	return code;
}

static int run_signals(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	unsigned forms = options->forms ? options->forms : (1u << KB_FORM_COUNT) - 1;
	if (options->json)
		return write_json(contract_signals_json(kb, forms, options->lang));
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (!(forms & (1u << f)))
			continue;
		char title[80];
		wegwijzer_form_title(texts, (enum kb_form)f, options->lang, title, sizeof title);
		printf("%s\n", title);
		if (kb->form_provisional[f])
			printf("%s\n", text_get(texts, T_ASSESS_PROVISIONAL, options->lang));
		for (size_t i = 0; i < kb->signal_count; i++) {
			const struct kb_signal *signal = &kb->signals[i];
			if (!(signal->forms & (1u << f)))
				continue;
			printf("  - %s [%s]\n", signal->text[options->lang], signal->id);
			wegwijzer_print_signal_detail(stdout, kb, texts, signal, (enum kb_form)f, options->lang);
		}
		putchar('\n');
	}
	return finish_output();
}

static int run_contacts(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	int64_t at = now_or(options);
	if (options->json)
		return write_json(contract_contacts_json(kb, texts, at, options->lang));
	for (size_t i = 0; i < kb->channel_count; i++) {
		const struct kb_channel *channel = &kb->channels[i];
		char state[400];
		route_describe_state(texts, channel, hours_state_at(&channel->hours, at), at, options->lang, state,
				     sizeof state);
		printf("%s: %s", channel->name[options->lang], channel->phone_display);
		if (channel->url)
			printf(" / %s", channel->url);
		if (channel->url_en && options->lang == KB_LANG_EN)
			printf(" / %s %s", texts_get(texts, options->lang, "cli_url_in_english"), channel->url_en);
		putchar('\n');
		if (channel->full_name)
			printf("  %s\n", channel->full_name);
		printf("  %s\n  %s\n", channel->purpose[options->lang], state);
	}
	return finish_output();
}

static int run_wegwijzer(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	return wegwijzer_run(kb, texts, stdin, stdout, options->lang, now_or(options)) ? EXIT_FAILURE_RUN : EXIT_OK;
}

/* The server key file: --key, else `configured` ([server] key_file), else
 * beside a sqlite:PATH database (PATH.key, where it always was). 0, or -1
 * with a message on stderr. */
static int key_path_for(const char *command, const struct options *options, const char *configured,
			const char *db_url, char out[KEY_PATH_SIZE])
{
	const char *chosen = options->key_file ? options->key_file : configured && *configured ? configured : NULL;
	if (chosen) {
		if (strlen(chosen) >= KEY_PATH_SIZE) {
			fprintf(stderr, "meldwijzer %s: --key: the path is too long\n", command);
			return -1;
		}
		snprintf(out, KEY_PATH_SIZE, "%s", chosen);
		return 0;
	}
	if (db_default_key_path(db_url, out, KEY_PATH_SIZE)) {
		fprintf(stderr, "meldwijzer %s: --key: give the server key file for %s (--key PATH or [server] key_file)\n",
			command, db_url);
		return -1;
	}
	return 0;
}

/* Serves the website until SIGINT or SIGTERM. The signals are blocked before
 * the server's threads start, so only this thread receives them (sigwait). */
static int run_serve(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)texts; /* the website loads its own, from its web folder */
	struct server_config config;
	char error[CONFIG_ERROR_SIZE];
	config_defaults(&config, options->web_dir ? options->web_dir : MELDWIJZER_WEBDIR);
	if (options->config_file && config_load_file(&config, options->config_file, error)) {
		fprintf(stderr, "meldwijzer serve: config: %s\n", error);
		return EXIT_BAD_INPUT;
	}
	if (options->web_dir)
		snprintf(config.web_dir, sizeof config.web_dir, "%s", options->web_dir);
	if (options->listen && config_set_listen(&config, options->listen, error)) {
		fprintf(stderr, "meldwijzer serve: --%s\n", error);
		return EXIT_BAD_INPUT;
	}
	struct db *db;
	char db_error[DB_ERROR_SIZE];
	struct reporting reporting;
	char report_error[REPORT_ERROR_SIZE];
	const char *db_url = options->db_url ? options->db_url : DEFAULT_DB;
	char key_path[KEY_PATH_SIZE];
	if (crypt_init()) {
		fprintf(stderr, "meldwijzer serve: the cryptography library cannot start\n");
		return EXIT_FAILURE_RUN;
	}
	if (db_open(&db, db_url, false, db_error)) {
		fprintf(stderr, "meldwijzer serve: database: %s\n", db_error);
		return EXIT_BAD_INPUT;
	}
	if (key_path_for("serve", options, config.key_file, db_url, key_path)) {
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	if (reporting_open(&reporting, kb, db, key_path, report_error)) {
		fprintf(stderr, "meldwijzer serve: %s (database %s)\n", report_error, db_url);
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	if (config.unsafe_synchronous_off) {
		if (db_unsafe_synchronous_off(db) != 0) {
			fprintf(stderr, "meldwijzer serve: unsafe_synchronous_off: only a SQLite database can be run "
					"without waiting for the disk\n");
			reporting_close(&reporting);
			db_close(db);
			return EXIT_BAD_INPUT;
		}
		fprintf(stderr, "meldwijzer serve: WARNING: unsafe_synchronous_off = yes: reports are acknowledged "
				"before they are on disk and a power cut can lose them. For benchmarks only.\n");
	}
	/* the [cases] deadlines go into the database, where the schema dates new reports with them */
	if (case_settings_apply(db, &config.cases) != 0)
		fprintf(stderr, "meldwijzer serve: warning: the [cases] deadlines could not be stored in the database; "
				"new reports keep the deadlines it had\n");
	struct web web;
	char web_error[400];
	if (web_init(&web, kb, &config, &reporting, web_error, sizeof web_error)) {
		fprintf(stderr, "meldwijzer serve: web files in %s: %s\n", config.web_dir, web_error);
		reporting_close(&reporting);
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	if (!web_poster_url_is_public(&config))
		fprintf(stderr,
			"meldwijzer serve: warning: [server] public_base_url (%s) cannot be reached from outside; "
			"the poster prints no QR codes until it is set\n",
			config.public_base_url);
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct http_server *server =
		http_server_start(&config, web_handle, web_error_page, &web, web_error, sizeof web_error);
	if (!server) {
		fprintf(stderr, "meldwijzer serve: %s\n", web_error);
		web_release(&web);
		reporting_close(&reporting);
		db_close(db);
		return EXIT_FAILURE_RUN;
	}
	/* the metrics listener, when [server] metrics_listen asks for one: never the public port */
	struct metrics *metrics = NULL;
	if (config.metrics_port) {
		metrics = metrics_start(&config, server, db, web_error, sizeof web_error);
		if (!metrics) {
			fprintf(stderr, "meldwijzer serve: %s\n", web_error);
			http_server_stop(server);
			web_release(&web);
			reporting_close(&reporting);
			db_close(db);
			return EXIT_FAILURE_RUN;
		}
		bool metrics_ipv6 = strchr(config.metrics_host, ':') != NULL;
		printf("meldwijzer: metrics on http://%s%s%s:%u/metrics\n", metrics_ipv6 ? "[" : "", config.metrics_host,
		       metrics_ipv6 ? "]" : "", config.metrics_port);
	}
	/* destroys closed cases whose retention has ended: now, then daily, on a thread of its own */
	struct purge_job *purge = purge_job_start(&reporting, PURGE_JOB_DAY_SECONDS, NULL, web_error, sizeof web_error);
	if (!purge) {
		fprintf(stderr, "meldwijzer serve: %s\n", web_error);
		metrics_stop(metrics);
		http_server_stop(server);
		web_release(&web);
		reporting_close(&reporting);
		db_close(db);
		return EXIT_FAILURE_RUN;
	}
	bool ipv6 = strchr(config.listen_host, ':') != NULL;
	printf("meldwijzer: serving on http://%s%s%s:%u/ (Ctrl-C stops)\n", ipv6 ? "[" : "", config.listen_host,
	       ipv6 ? "]" : "", config.port);
	fflush(stdout);
	int received = 0;
	sigwait(&stop_signals, &received);
	metrics_stop(metrics); /* before the server and the database it reads */
	http_server_stop(server);
	purge_job_stop(purge); /* wakes it from its wait; a run in progress finishes first */
	web_release(&web);
	reporting_close(&reporting);
	db_close(db);
	printf("meldwijzer: stopped\n");
	return finish_output();
}

static int run_init(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)kb;
	(void)texts;
	const char *db_url = options->db_url ? options->db_url : DEFAULT_DB;
	char db_error[DB_ERROR_SIZE], error[REPORT_ERROR_SIZE], key_path[KEY_PATH_SIZE];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	/* the URL first: a scheme that is not built in is the problem to name, not the key path */
	if (db_check_url(db_url, db_error)) {
		fprintf(stderr, "meldwijzer init: database: %s\n", db_error);
		return EXIT_BAD_INPUT;
	}
	if (key_path_for("init", options, NULL, db_url, key_path))
		return EXIT_BAD_INPUT;
	if (crypt_init()) {
		fprintf(stderr, "meldwijzer init: the cryptography library cannot start\n");
		return EXIT_FAILURE_RUN;
	}
	int status = reporting_initialise(db_url, key_path, recovery, error);
	if (status != 0) {
		fprintf(stderr, "meldwijzer init: %s\n", error);
		return EXIT_BAD_INPUT;
	}
	printf("Initialised %s (server key file: %s).\n\n"
	       "RECOVERY KEY (shown once; it opens every report):\n\n    %s\n\n"
	       "Write it down or print it, and keep it offline in a safe place. Whoever holds it and the\n"
	       "database can read all reports. Without it, no report can be read when staff passwords are lost.\n",
	       db_url, key_path, recovery);
	crypt_wipe(recovery, sizeof recovery);
	return finish_output();
}

static void print_report_line(void *ctx, const struct db_report *report)
{
	(void)ctx;
	printf("%s  %s  %-12s  %-11s  %u message(s)  forms: %s\n", report->ref, report->created_day, report->kind,
	       report->status, report->message_count, report->forms[0] ? report->forms : "-");
}

/* Reads the recovery key (first line of stdin) and unwraps the team secret. */
static int read_team_secret(struct reporting *reporting, unsigned char secret[CRYPT_KEY_BYTES])
{
	char line[256];
	if (!fgets(line, sizeof line, stdin)) {
		fprintf(stderr, "meldwijzer reports: stdin: expected the recovery key on the first line\n");
		return EXIT_BAD_INPUT;
	}
	int status = crypt_open_team(&reporting->team, line, secret);
	crypt_wipe(line, sizeof line);
	if (status) {
		fprintf(stderr, "meldwijzer reports: stdin: that is not the recovery key of this database\n");
		return EXIT_BAD_INPUT;
	}
	return EXIT_OK;
}

static int run_reports(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)texts;
	const char *action = options->arg_count ? options->args[0] : "list";
	bool needs_ref = strcmp(action, "show") == 0 || strcmp(action, "answer") == 0;
	if ((strcmp(action, "list") != 0 && !needs_ref) || (needs_ref != (options->arg_count == 2))) {
		fprintf(stderr, "meldwijzer reports: expected 'list', 'show REF' or 'answer REF'\n");
		return EXIT_BAD_INPUT;
	}
	const char *db_url = options->db_url ? options->db_url : DEFAULT_DB;
	struct db *db;
	char error[DB_ERROR_SIZE];
	char report_error[REPORT_ERROR_SIZE];
	struct reporting reporting;
	char key_path[KEY_PATH_SIZE];
	if (crypt_init()) {
		fprintf(stderr, "meldwijzer reports: the cryptography library cannot start\n");
		return EXIT_FAILURE_RUN;
	}
	if (db_open(&db, db_url, false, error)) {
		fprintf(stderr, "meldwijzer reports: database: %s\n", error);
		return EXIT_BAD_INPUT;
	}
	if (key_path_for("reports", options, NULL, db_url, key_path)) {
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	if (reporting_open(&reporting, kb, db, key_path, report_error)) {
		fprintf(stderr, "meldwijzer reports: %s\n", report_error);
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	/* the team secret opens every report: guarded memory, like the server's keys */
	unsigned char *secret = crypt_secure_alloc(CRYPT_KEY_BYTES);
	int code = secret ? read_team_secret(&reporting, secret) : EXIT_FAILURE_RUN;
	if (code == EXIT_OK && strcmp(action, "list") == 0) {
		code = db_list_reports(db, print_report_line, NULL) ? EXIT_FAILURE_RUN : finish_output();
	} else if (code == EXIT_OK && strcmp(action, "show") == 0) {
		json_t *report = NULL;
		if (report_read_as_team(&reporting, secret, options->args[1], &report)) {
			fprintf(stderr, "meldwijzer reports: no report %s (or it cannot be opened)\n", options->args[1]);
			code = EXIT_BAD_INPUT;
		} else {
			code = write_json(report);
		}
	} else if (code == EXIT_OK) {
		struct strbuf body;
		strbuf_init(&body, REPORT_MESSAGE_CAP);
		int read_status = strbuf_read_stream(&body, stdin);
		while (body.len && (body.buf[body.len - 1] == '\n' || body.buf[body.len - 1] == ' '))
			body.buf[--body.len] = '\0';
		if (read_status != STRBUF_OK || body.len == 0 || strlen(body.buf) != body.len) {
			fprintf(stderr, "meldwijzer reports: stdin: after the recovery key, give the answer (1 to %d bytes)\n",
				REPORT_MESSAGE_CAP);
			code = EXIT_BAD_INPUT;
		} else {
			int status = report_answer_as_team(&reporting, secret, options->args[1], body.buf, (int64_t)time(NULL));
			if (status != 0) {
				fprintf(stderr, "meldwijzer reports: %s\n",
					status == 2   ? "this report has reached its maximum number of messages"
					: status == 3 ? "stdin: the answer is not UTF-8 text; nothing was stored"
						      : "no such report, or the answer could not be stored");
				code = status == 2 || status == 3 ? EXIT_BAD_INPUT : EXIT_FAILURE_RUN;
			} else {
				printf("Answer stored for report %s.\n", options->args[1]);
				code = finish_output();
			}
		}
		strbuf_release(&body);
	}
	crypt_secure_free(secret); /* wipes */
	reporting_close(&reporting);
	db_close(db);
	return code;
}

/* ---------- team access: user and audit (issue 14) ---------- */

/* Opens an initialised database at this program's schema version for the
 * user and audit commands; prints why not. */
static int open_team_db(const char *command, const struct options *options, struct db **db)
{
	const char *db_url = options->db_url ? options->db_url : DEFAULT_DB;
	char error[DB_ERROR_SIZE];
	if (crypt_init() || totp_init()) {
		fprintf(stderr, "meldwijzer %s: the cryptography libraries cannot start\n", command);
		return EXIT_FAILURE_RUN;
	}
	if (db_open(db, db_url, false, error)) {
		fprintf(stderr, "meldwijzer %s: database: %s\n", command, error);
		return EXIT_BAD_INPUT;
	}
	int initialised = db_is_initialised(*db);
	if (initialised != 1 || db_upgrade(*db, error)) {
		if (initialised != 1)
			snprintf(error, sizeof error, "%s", "not initialised: run 'meldwijzer init --db URL' first");
		fprintf(stderr, "meldwijzer %s: database: %s\n", command, error);
		db_close(*db);
		*db = NULL;
		return EXIT_BAD_INPUT;
	}
	return EXIT_OK;
}

/* The first line of stdin (the recovery key) into guarded memory, read before
 * the database is opened: a script may make the database while it writes. */
static int read_recovery_line(char *line, size_t size)
{
	if (!fgets(line, (int)size, stdin)) {
		fprintf(stderr, "meldwijzer user: stdin: expected the recovery key on the first line\n");
		return EXIT_BAD_INPUT;
	}
	return EXIT_OK;
}

/* The team secret from the recovery key `line`, into `secret`. */
static int open_team_secret(struct db *db, const char *line, unsigned char secret[CRYPT_KEY_BYTES])
{
	struct crypt_team team;
	if (db_load_team(db, &team)) {
		fprintf(stderr, "meldwijzer user: database: the team keys cannot be read\n");
		return EXIT_FAILURE_RUN;
	}
	if (crypt_open_team(&team, line, secret)) {
		fprintf(stderr, "meldwijzer user: stdin: that is not the recovery key of this database\n");
		return EXIT_BAD_INPUT;
	}
	return EXIT_OK;
}

static void format_utc(int64_t when, char out[32])
{
	time_t t = (time_t)when;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)when);
}

static void print_activation(const char *name, const char *code, int64_t now)
{
	char until[32];
	format_utc(now + STAFF_ACTIVATION_SECONDS, until);
	printf("Activation code for %s (shown once, valid until %s):\n\n    %s\n\n"
	       "Give it to %s in person or by phone, never together with the name in one message. It is used once,\n"
	       "on the site's page /team/activeren (English: /en/team/activate), to choose a password and set up\n"
	       "an authenticator app.\n",
	       name, until, code, name);
}

static void print_account_line(void *ctx, const struct staff_account_info *info)
{
	char roles[STAFF_ROLES_TEXT_SIZE], created[32], until[32];
	(void)ctx;
	staff_roles_text(info->roles, roles);
	format_utc(info->created_at, created);
	printf("%-20s %-36s %-9s created %s", info->name, roles, info->state, created);
	if (strcmp(info->state, "pending") == 0) {
		format_utc(info->activation_expires, until);
		printf(", code valid until %s", until);
	}
	printf("\n");
}

#define RECOVERY_LINE_SIZE 256

static int run_user(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)kb;
	(void)texts;
	const char *action = options->arg_count ? options->args[0] : "";
	bool named = strcmp(action, "add") == 0 || strcmp(action, "disable") == 0 || strcmp(action, "reset-2fa") == 0;
	if ((!named && strcmp(action, "list") != 0) || named != (options->arg_count == 2))
		return usage_error("user", "expected 'add NAME', 'list', 'disable NAME' or 'reset-2fa NAME'");
	const char *name = named ? options->args[1] : NULL;
	if (named && !staff_name_valid(name))
		return usage_error("user",
				   "NAME: '%s' is not an account name (1 to 64 of a-z, 0-9, '.', '_', '-', starting "
				   "with a letter)",
				   name);
	if (strcmp(action, "add") == 0 && options->roles == 0)
		return usage_error("user", "--role: give at least one role (caseworker, coordinator, analyst, admin)");
	if (strcmp(action, "add") != 0 && options->roles)
		return usage_error("user", "--role: only 'user add' takes roles");
	if (crypt_init()) {
		fprintf(stderr, "meldwijzer user: the cryptography library cannot start\n");
		return EXIT_FAILURE_RUN;
	}
	bool needs_key = strcmp(action, "add") == 0 || strcmp(action, "reset-2fa") == 0;
	struct db *db = NULL;
	struct staff *staff = NULL;
	char activation[CRYPT_ACTIVATION_TEXT_SIZE] = "";
	int64_t now = now_or(options);
	char *line = crypt_secure_alloc(RECOVERY_LINE_SIZE);
	unsigned char *secret = crypt_secure_alloc(CRYPT_KEY_BYTES);
	int code = line && secret ? EXIT_OK : EXIT_FAILURE_RUN;
	if (code == EXIT_OK && needs_key)
		code = read_recovery_line(line, RECOVERY_LINE_SIZE);
	if (code == EXIT_OK)
		code = open_team_db("user", options, &db);
	if (code != EXIT_OK)
		goto done;
	staff = staff_new(db);
	if (!staff) {
		fprintf(stderr, "meldwijzer user: out of memory\n");
		code = EXIT_FAILURE_RUN;
		goto done;
	}
	if (strcmp(action, "list") == 0) {
		code = staff_list(staff, now, print_account_line, NULL) ? EXIT_FAILURE_RUN : finish_output();
		goto done;
	}
	if (strcmp(action, "disable") == 0) {
		int status = staff_disable(staff, "cli", name, now);
		if (status == STAFF_OK)
			printf("Account %s is disabled; its sessions have ended.\n", name);
		else
			fprintf(stderr, "meldwijzer user: %s\n",
				status == STAFF_NOT_FOUND ? "NAME: no account of that name" : "the account cannot be changed");
		code = status == STAFF_OK ? finish_output() : status == STAFF_NOT_FOUND ? EXIT_BAD_INPUT : EXIT_FAILURE_RUN;
		goto done;
	}
	/* add and reset-2fa: whoever holds the recovery key may make accounts
	 * (the first admin), and the team secret is what content roles get wrapped */
	code = open_team_secret(db, line, secret);
	if (code != EXIT_OK)
		goto done;
	int status = strcmp(action, "add") == 0
			     ? staff_create(staff, "cli", name, options->roles, secret, now, activation)
			     : staff_reset_2fa(staff, "cli", name, secret, now, activation);
	if (status == STAFF_OK) {
		char roles[STAFF_ROLES_TEXT_SIZE];
		struct db_staff_account row;
		if (db_staff_get(db, name, &row) == 0) {
			staff_roles_text(row.roles, roles);
			printf(strcmp(action, "add") == 0 ? "Account %s made (roles: %s).\n"
							  : "Account %s is back to pending (roles: %s): its password, "
							    "authenticator and sessions are gone.\n",
			       name, roles);
		}
		print_activation(name, activation, now);
		code = finish_output();
	} else {
		fprintf(stderr, "meldwijzer user: %s\n",
			status == STAFF_NAME_TAKEN  ? "NAME: an account of that name exists already"
			: status == STAFF_NOT_FOUND ? "NAME: no account of that name"
						    : "the account cannot be stored");
		code = status == STAFF_NAME_TAKEN || status == STAFF_NOT_FOUND ? EXIT_BAD_INPUT : EXIT_FAILURE_RUN;
	}
done:
	crypt_wipe(activation, sizeof activation);
	crypt_secure_free(line);
	crypt_secure_free(secret);
	staff_free(staff);
	if (db)
		db_close(db);
	return code;
}

static int run_audit(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)kb;
	(void)texts;
	const char *action = options->arg_count ? options->args[0] : "";
	bool verify = strcmp(action, "verify") == 0;
	if ((!verify && strcmp(action, "head") != 0) || (!verify && options->arg_count != 1))
		return usage_error("audit", "expected 'verify [HEAD]' or 'head'");
	const char *head = verify && options->arg_count == 2 ? options->args[1] : NULL;
	size_t head_len = head ? strlen(head) : 0;
	if (head && (head_len != AUDIT_HASH_TEXT_SIZE - 1 || strspn(head, "0123456789abcdef") != head_len))
		return usage_error("audit", "HEAD: '%s' is not a head (64 lower-case hex characters from 'audit head')",
				   head);
	struct db *db = NULL;
	int code = open_team_db("audit", options, &db);
	if (code != EXIT_OK)
		return code;
	char hash[AUDIT_HASH_TEXT_SIZE], problem[AUDIT_PROBLEM_SIZE];
	int64_t seq = 0, first_bad = 0;
	int status = audit_head(db, hash, &seq);
	if (status < 0) {
		fprintf(stderr, "meldwijzer audit: database: the audit log cannot be read\n");
		code = EXIT_FAILURE_RUN;
	} else if (!verify) {
		printf("%s\n", hash);
		code = finish_output();
	} else {
		status = audit_verify(db, head, &first_bad, problem);
		if (status == 0) {
			printf("The audit log is intact: %lld entries, head %s.\n", (long long)seq, hash);
			code = finish_output();
		} else if (status == 1) {
			if (first_bad)
				printf("The audit log was tampered with at entry %lld: %s.\n", (long long)first_bad, problem);
			else
				printf("The audit log was tampered with: %s.\n", problem);
			(void)finish_output();
			code = EXIT_FAILURE_RUN;
		} else {
			fprintf(stderr, "meldwijzer audit: %s\n", problem);
			code = EXIT_FAILURE_RUN;
		}
	}
	db_close(db);
	return code;
}

/* ---------- retention (issue 15) ---------- */

/* Destroys the closed cases whose retention period has ended (case_purge):
 * what the daily job in `serve` does, for cron or by hand. Needs no key of
 * the team: destroying reads nothing. */
static int run_purge(const struct kb *kb, const struct texts *texts, const struct options *options)
{
	(void)texts;
	const char *db_url = options->db_url ? options->db_url : DEFAULT_DB;
	char key_path[KEY_PATH_SIZE], report_error[REPORT_ERROR_SIZE];
	struct reporting reporting;
	struct db *db = NULL;
	int code = open_team_db("purge", options, &db);
	if (code != EXIT_OK)
		return code;
	if (key_path_for("purge", options, NULL, db_url, key_path)) {
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	if (reporting_open(&reporting, kb, db, key_path, report_error)) {
		fprintf(stderr, "meldwijzer purge: %s\n", report_error);
		db_close(db);
		return EXIT_BAD_INPUT;
	}
	unsigned destroyed = 0;
	int status = case_purge(&reporting, "cli", now_or(options), &destroyed);
	if (status == 0 || status == CASE_NOT_AUDITED) {
		printf("Destroyed %u closed case%s whose retention period had ended.\n", destroyed, destroyed == 1 ? "" : "s");
		code = finish_output();
		if (status == CASE_NOT_AUDITED) {
			fprintf(stderr, "meldwijzer purge: not every destruction could be written to the audit log\n");
			code = EXIT_FAILURE_RUN;
		}
	} else {
		fprintf(stderr, "meldwijzer purge: database: %u case%s destroyed, then it failed; run it again\n", destroyed,
			destroyed == 1 ? "" : "s");
		code = EXIT_FAILURE_RUN;
	}
	reporting_close(&reporting);
	db_close(db);
	return code;
}

static const struct command commands[] = {
	{"wegwijzer", "meldwijzer wegwijzer [--lang nl|en] [--at TIME]\n"
		      "  The guide: asks six questions one at a time (one answer per line on stdin): acute danger,\n"
		      "  who it is about (someone else, a child or young person known through work, yourself), the\n"
		      "  form, the age, what you want and where. Then whom to contact, and optionally one list of\n"
		      "  signals (numbers or signal ids) with the weighing in plain words.",
	 "lang at", run_wegwijzer},
	{"route", "meldwijzer route [--json] [--at TIME] [--lang nl|en]\n"
		  "  Reads a situation (JSON, see README) on stdin and shows the channels to contact, in order,\n"
		  "  each with its reason (when a channel is closed, or closes within 30 minutes, the reason says\n"
		  "  so and what can be reached instead). With signals, the weighing comes first.\n"
		  "  Keys: acute_danger, forms, wants_advice, report_victim, wants_anonymity,\n"
		  "  minor (true, false or \"unknown\"), works_with_children, about_self, region, signals, at, lang.\n"
		  "  --at TIME    an RFC 3339 time to use instead of the situation's \"at\" or now.\n"
		  "  --lang LANG  the language of the answer instead of the situation's \"lang\".",
	 "json at lang", run_route},
	{"assess", "meldwijzer assess [--json] [--lang nl|en]\n"
		   "  Reads {\"signals\": [ids], \"minor\": true|false|\"unknown\", \"forms\": [forms], \"lang\": \"nl\"|\"en\"}\n"
		   "  on stdin and weighs the signals per form of exploitation: the level as an action (reason to\n"
		   "  report, talk it over, keep watching), why, whether the weighing is provisional, what is not\n"
		   "  known yet, and the indications per part of the pattern. Never a verdict.\n"
		   "  --lang LANG  the language of the answer instead of the input's \"lang\".",
	 "json lang", run_assess},
	{"signals", "meldwijzer signals [--form sexual|labour|criminal] [--lang nl|en] [--json]\n"
		    "  Lists the signals of possible exploitation per form, each with its weight in words (how\n"
		    "  strong an indication of which part of the pattern, for adults and for under-18s), whether it\n"
		    "  describes the exploitation itself, and its sources.",
	 "json lang form", run_signals},
	{"contacts", "meldwijzer contacts [--at TIME] [--lang nl|en] [--json]\n"
		     "  Lists every channel with its phone number, online form and whether it is open.",
	 "json at lang", run_contacts},
	{"init", "meldwijzer init [--db sqlite:PATH] [--key FILE]\n"
		 "  Creates the database schema, the server key file and the team keys, and prints the\n"
		 "  recovery key once. Refuses an initialised database, and leaves nothing behind when it fails.\n"
		 "  Default --db " DEFAULT_DB ".\n"
		 "  --key FILE     the server key file to create (default: PATH.key beside the database)",
	 "db key", run_init},
	{"reports", "meldwijzer reports [--db sqlite:PATH] [--key FILE] [list | show REF | answer REF]\n"
		    "  For the advice point until staff accounts exist: reads the recovery key from the first line\n"
		    "  of stdin; 'answer' then reads the answer from the rest of stdin.",
	 "db key args", run_reports},
	{"serve", "meldwijzer serve [--listen ADDR:PORT] [--config FILE] [--web DIR] [--db sqlite:PATH] [--key FILE]\n"
		  "  Serves the website and the JSON API (default 127.0.0.1:8080) until SIGINT or SIGTERM.\n"
		  "  At start and then daily it destroys closed cases whose retention period has ended (as purge).\n"
		  "  --config FILE  an INI file with [server], [limits], [site] and [cases] settings (see README.md)\n"
		  "  --web DIR      templates, texts and static files (default " MELDWIJZER_WEBDIR ")\n"
		  "  --key FILE     the server key file (default: [server] key_file, else PATH.key beside the database)",
	 "listen config web db key", run_serve},
	{"user", "meldwijzer user [--db sqlite:PATH] [--at TIME] (add NAME --role ROLE [--role ROLE ...] | list |\n"
		 "                 disable NAME | reset-2fa NAME)\n"
		 "  Staff accounts. 'add' reads the recovery key from the first line of stdin and prints a one-time\n"
		 "  activation code (valid 72 hours) for the page /team/activeren (English: /en/team/activate).\n"
		 "  Roles: caseworker, coordinator, analyst (statistics only), admin (accounts, audit log).\n"
		 "  'disable' ends the account and its sessions at once. 'reset-2fa' reads the recovery key too,\n"
		 "  and puts the account back to pending with a new code (new password and authenticator).",
	 "db at role args", run_user},
	{"audit", "meldwijzer audit [--db sqlite:PATH] (verify [HEAD] | head)\n"
		  "  'verify' checks the audit log's hash chain: exit 0 when intact, 1 naming the first entry that\n"
		  "  was changed, removed or moved. With HEAD (an earlier 'audit head'), entries removed from the\n"
		  "  end are found too. 'head' prints the newest entry's hash: write it down elsewhere.",
	 "db args", run_audit},
	{"purge", "meldwijzer purge [--db sqlite:PATH] [--key FILE] [--at TIME]\n"
		  "  Destroys the closed cases whose retention period has ended (12 months after closing unless a\n"
		  "  coordinator extended it): their keys, texts and messages; only counts stay. Each one is\n"
		  "  written to the audit log. Run it daily (serve will do so by itself).",
	 "db key at", run_purge},
};

static void print_main_help(FILE *out)
{
	fprintf(out, "meldwijzer: recognise signals of exploitation and find whom to contact.\n"
	       "In acute danger: always call 112.\n\n"
	       "usage: meldwijzer [--data DIR] [--web DIR] COMMAND [OPTIONS]\n\n"
	       "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "\n--data DIR  the knowledge base (default: $MELDWIJZER_DATA or %s)\n"
	       "--web DIR   the texts, DIR/strings.json (default: $MELDWIJZER_WEB or %s);\n"
	       "            for serve the same as serve's --web\n"
	       "exit codes: 0 ok, 1 failure, 2 bad input or usage\n",
	       MELDWIJZER_DATADIR, MELDWIJZER_WEBDIR);
}

static bool takes(const struct command *command, const char *option)
{
	size_t len = strlen(option);
	for (const char *p = command->allowed; (p = strstr(p, option)) != NULL; p += len) {
		bool starts = p == command->allowed || p[-1] == ' ';
		bool ends = p[len] == '\0' || p[len] == ' ';
		if (starts && ends)
			return true;
	}
	return false;
}

/* Splits "--name=value" or "--name value"; returns the value or NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t name_len)
{
	if (arg[name_len] == '=')
		return arg + name_len + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int parse_options(const struct command *command, int argc, char **argv, int first, struct options *options)
{
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			options->help = true;
			continue;
		}
		if (strcmp(arg, "--json") == 0 && takes(command, "json")) {
			options->json = true;
			continue;
		}
		static const char *const valued[] = {"at", "lang", "form", "listen", "config", "web", "db", "key", "role"};
		bool matched = false;
		for (size_t v = 0; v < sizeof valued / sizeof *valued && !matched; v++) {
			size_t name_len = 2 + strlen(valued[v]);
			if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, valued[v], name_len - 2) != 0 ||
			    (arg[name_len] != '\0' && arg[name_len] != '=') || !takes(command, valued[v]))
				continue;
			matched = true;
			const char *value = option_value(argc, argv, &i, arg, name_len);
			if (!value)
				return usage_error(command->name, "option '%s' needs a value", arg);
			if (v == 0) {
				if (!rfc3339_parse(value, strlen(value), &options->at))
					return usage_error(command->name,
							   "--at: '%s' is not a valid RFC 3339 time (like 2026-11-28T14:05:00+01:00)",
							   value);
				options->has_time = true;
			} else if (v == 1) {
				if (!kb_lang_from_id(value, &options->lang))
					return usage_error(command->name, "--lang: '%s' is not a language (nl or en)", value);
				options->has_lang = true;
			} else if (v == 3) {
				options->listen = value;
			} else if (v == 4) {
				options->config_file = value;
			} else if (v == 5) {
				options->web_dir = value;
			} else if (v == 6) {
				options->db_url = value;
			} else if (v == 7) {
				options->key_file = value;
			} else if (v == 8) {
				unsigned role = 0;
				if (!staff_role_from_name(value, &role))
					return usage_error(command->name,
							   "--role: '%s' is not a role (caseworker, coordinator, analyst or admin)",
							   value);
				options->roles |= role;
			} else {
				enum kb_form form;
				if (!kb_form_from_id(value, &form))
					return usage_error(command->name,
							   "--form: '%s' is not a form (sexual, labour or criminal)", value);
				options->forms |= 1u << form;
			}
		}
		if (!matched && arg[0] != '-' && takes(command, "args") && options->arg_count < 2) {
			options->args[options->arg_count++] = arg;
			matched = true;
		}
		if (!matched)
			return usage_error(command->name, "unknown option or argument '%s'", arg);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	/* before any file is made: private files, no core dumps (keys live in memory) */
	if (crypt_harden_process() != 0)
		fprintf(stderr, "meldwijzer: warning: core dumps could not be turned off\n");
	/* decrypted report text passes through jansson's values: wipe them when freed */
	report_json_wipes_on_free();
	struct options options = {.lang = KB_LANG_NL};
	options.data_dir = getenv("MELDWIJZER_DATA");
	if (!options.data_dir || !*options.data_dir)
		options.data_dir = MELDWIJZER_DATADIR;
	/* the web files likewise, for every command that uses them (serve's pages too) */
	options.web_dir = getenv("MELDWIJZER_WEB");
	if (options.web_dir && !*options.web_dir)
		options.web_dir = NULL;
	int i = 1;
	/* --data and --web before the command, in any order */
	for (; i < argc && (strncmp(argv[i], "--data", 6) == 0 || strncmp(argv[i], "--web", 5) == 0); i++) {
		bool data = argv[i][2] == 'd';
		size_t len = data ? 6 : 5;
		const char **target = data ? &options.data_dir : &options.web_dir;
		if (argv[i][len] == '=') {
			*target = argv[i] + len + 1;
		} else if (argv[i][len] == '\0' && i + 1 < argc) {
			*target = argv[++i];
		} else {
			return usage_error(NULL, "%s needs a directory", data ? "--data" : "--web");
		}
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "help") == 0) {
		print_main_help(i >= argc ? stderr : stdout);
		return i >= argc ? EXIT_BAD_INPUT : EXIT_OK;
	}
	const struct command *command = NULL;
	for (size_t c = 0; c < sizeof commands / sizeof *commands; c++) {
		if (strcmp(argv[i], commands[c].name) == 0)
			command = &commands[c];
	}
	if (!command)
		return usage_error(NULL, "unknown command '%s'", argv[i]);
	int code = parse_options(command, argc, argv, i + 1, &options);
	if (code != EXIT_OK)
		return code;
	if (options.help) {
		printf("usage: %s\n", command->usage);
		return EXIT_OK;
	}
	struct kb kb;
	struct kb_error error;
	if (kb_load(&kb, options.data_dir, &error)) {
		fprintf(stderr, "meldwijzer: knowledge base in %s: %s\n", options.data_dir, error.message);
		return EXIT_BAD_INPUT;
	}
	/* The texts: --web, else $MELDWIJZER_WEB, else where `make install` put them; never the
	 * machine's locale. Checked whole before anything is shown. */
	struct texts texts = {0};
	bool speaks = takes(command, "lang");
	if (speaks) {
		const char *web_dir = options.web_dir && *options.web_dir ? options.web_dir : MELDWIJZER_WEBDIR;
		char path[4200], texts_error[TEXTS_ERROR_SIZE];
		if ((size_t)snprintf(path, sizeof path, "%s/strings.json", web_dir) >= sizeof path) {
			kb_release(&kb);
			return usage_error(NULL, "--web: the path is too long");
		}
		if (texts_load(&texts, path, texts_error, sizeof texts_error) ||
		    text_check(&texts, texts_error, sizeof texts_error) ||
		    wegwijzer_check(&texts, texts_error, sizeof texts_error) ||
		    texts_require(&texts, cli_keys, sizeof cli_keys / sizeof *cli_keys, texts_error, sizeof texts_error)) {
			fprintf(stderr, "meldwijzer: texts in %s: %s\n", path, texts_error);
			texts_release(&texts);
			kb_release(&kb);
			return EXIT_BAD_INPUT;
		}
	}
	code = command->run(&kb, speaks ? &texts : NULL, &options);
	texts_release(&texts);
	kb_release(&kb);
	return code;
}
