#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
static void hardening_defaults(struct server_config *config);

void config_defaults(struct server_config *config, const char *web_dir)
{
	memset(config, 0, sizeof *config);
	hardening_defaults(config);
	snprintf(config->listen_host, sizeof config->listen_host, "127.0.0.1");
	config->port = 8080;
	snprintf(config->public_base_url, sizeof config->public_base_url, "http://127.0.0.1:8080");
	snprintf(config->web_dir, sizeof config->web_dir, "%s", web_dir);
	snprintf(config->exit_url, sizeof config->exit_url, "https://www.google.com/");
	config->threads = 0;
	config->workers = 0;
	config->connections = 2048;
	config->connections_per_address = 16; /* a browser opens 6; slow clients must not hold hundreds */
	config->timeout_seconds = 15;
	config->body_bytes = 65536;
	config->url_bytes = 2048;
	config->fields = 200;
	config->submissions_per_hour = 10;
	config->receipt_attempts_per_hour = 20;
	case_settings_default(&config->cases);
}

static int parse_number(const char *value, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	if (!*value || *value == '-')
		return -1;
	unsigned long number = strtoul(value, &end, 10);
	if (errno || *end || number < min || number > max)
		return -1;
	*out = number;
	return 0;
}

/* "ADDR:PORT" ("[::1]:8080" for IPv6) into `host` (CONFIG_TEXT_SIZE) and `port`. */
static int parse_host_port(const char *name, const char *value, char host_out[CONFIG_TEXT_SIZE], unsigned *port_out,
			   char error[CONFIG_ERROR_SIZE])
{
	const char *colon = strrchr(value, ':');
	const char *host = value;
	size_t host_len = colon ? (size_t)(colon - value) : 0;
	if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
		host++;
		host_len -= 2;
	}
	unsigned long port;
	if (!colon || host_len == 0 || host_len >= CONFIG_TEXT_SIZE || parse_number(colon + 1, 1, 65535, &port)) {
		snprintf(error, CONFIG_ERROR_SIZE, "%s: '%.200s' is not ADDRESS:PORT (like 127.0.0.1:8080)", name, value);
		return -1;
	}
	memcpy(host_out, host, host_len);
	host_out[host_len] = '\0';
	*port_out = (unsigned)port;
	return 0;
}

int config_set_listen(struct server_config *config, const char *value, char error[CONFIG_ERROR_SIZE])
{
	return parse_host_port("listen", value, config->listen_host, &config->port, error);
}

int config_set_metrics_listen(struct server_config *config, const char *value, char error[CONFIG_ERROR_SIZE])
{
	if (strcmp(value, "off") == 0) {
		config->metrics_port = 0;
		config->metrics_host[0] = '\0';
		return 0;
	}
	return parse_host_port("metrics_listen", value, config->metrics_host, &config->metrics_port, error);
}

/* The settings against slow clients, floods and proxies, kept apart from the
 * rest so that they read as one piece. */
static void hardening_defaults(struct server_config *config)
{
	/* a burst of submissions waits (each holds a suspended connection and its
	 * body, at most body_bytes) rather than getting 503 at once */
	config->queue = 1024;
	/* whole-request deadlines, not inactivity timers: a client that sends one
	 * header line every few seconds is never idle, and held connections forever */
	config->header_seconds = 10;
	config->request_seconds = 30;
	config->connections_reserved = 0;
}

bool config_parse_address(const char *text, size_t len, unsigned char out[16])
{
	char copy[64];
	while (len && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len >= 2 && text[0] == '[') { /* [v6] or [v6]:port */
		const char *close = memchr(text, ']', len);
		if (!close)
			return false;
		len = (size_t)(close - text) - 1;
		text++;
	}
	if (len == 0 || len >= sizeof copy)
		return false;
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (inet_pton(AF_INET6, copy, out) == 1)
		return true;
	char *colon = strchr(copy, ':'); /* a.b.c.d:port */
	if (colon && !strchr(colon + 1, ':'))
		*colon = '\0';
	struct in_addr v4;
	if (inet_pton(AF_INET, copy, &v4) != 1)
		return false;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &v4, 4);
	return true;
}

bool config_network_contains(const struct config_network *network, const unsigned char address[16])
{
	unsigned full = network->prefix / 8, rest = network->prefix % 8;
	if (memcmp(network->address, address, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (network->address[full] & mask) == (address[full] & mask);
}

/* "ADDRESS" or "ADDRESS/BITS", IPv4 or IPv6. */
static int parse_network(const char *text, size_t len, struct config_network *out)
{
	const char *slash = memchr(text, '/', len);
	size_t address_len = slash ? (size_t)(slash - text) : len;
	if (!config_parse_address(text, address_len, out->address))
		return -1;
	bool v4 = memcmp(out->address, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
	unsigned long bits = v4 ? 32 : 128;
	if (slash) {
		char number[8];
		size_t number_len = len - address_len - 1;
		while (number_len && slash[number_len] == ' ')
			number_len--;
		if (number_len == 0 || number_len >= sizeof number)
			return -1;
		memcpy(number, slash + 1, number_len);
		number[number_len] = '\0';
		if (parse_number(number, 0, v4 ? 32 : 128, &bits))
			return -1;
	}
	out->prefix = (unsigned)bits + (v4 ? 96 : 0);
	return 0;
}

/* A comma-separated list of networks; an empty value means none. */
static int parse_trusted_proxies(struct server_config *config, const char *value)
{
	config->trusted_proxy_count = 0;
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, ",");
		const char *start = p;
		while (len && (*start == ' ' || *start == '\t')) {
			start++;
			len--;
		}
		if (len) {
			if (config->trusted_proxy_count == CONFIG_MAX_TRUSTED_PROXIES ||
			    parse_network(start, len, &config->trusted_proxies[config->trusted_proxy_count]))
				return -1;
			config->trusted_proxy_count++;
		}
		p = start + len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* One [server] or [limits] setting of the hardening group: 0 set, 1 a bad
 * value, 2 not one of these keys. */
static int hardening_setting(struct server_config *config, const char *section, const char *key, const char *value)
{
	static const struct {
		const char *key;
		size_t offset;
		unsigned long min, max;
	} numbers[] = {
		{"queue", offsetof(struct server_config, queue), 1, 100000},
		{"connections_reserved", offsetof(struct server_config, connections_reserved), 0, 100000},
		{"header_seconds", offsetof(struct server_config, header_seconds), 1, 3600},
		{"request_seconds", offsetof(struct server_config, request_seconds), 1, 3600},
	};
	if (strcmp(section, "server") == 0 && strcmp(key, "trusted_proxies") == 0)
		return parse_trusted_proxies(config, value) ? 1 : 0;
	for (size_t i = 0; strcmp(section, "limits") == 0 && i < sizeof numbers / sizeof *numbers; i++) {
		unsigned long number;
		if (strcmp(key, numbers[i].key) != 0)
			continue;
		if (parse_number(value, numbers[i].min, numbers[i].max, &number))
			return 1;
		*(unsigned *)(void *)((char *)config + numbers[i].offset) = (unsigned)number;
		return 0;
	}
	return 2;
}

/* One [cases] setting: 0 set, 1 a bad value (`problem` says the range), 2 not
 * one of these keys. The bounds are what case.c can count with: a deadline
 * of at least a day or a month, and no more than the EU directive's
 * standard stretched a long way. */
static int cases_setting(struct case_settings *cases, const char *key, const char *value, char *problem,
			 size_t problem_size)
{
	static const struct {
		const char *key;
		size_t offset;
		unsigned long min, max;
	} numbers[] = {
		{"answer_days", offsetof(struct case_settings, answer_days), 1, 365},
		{"feedback_months", offsetof(struct case_settings, feedback_months), 1, 24},
		{"due_soon_days", offsetof(struct case_settings, due_soon_days), 0, 60},
		{"retention_months", offsetof(struct case_settings, retention_months), 1, 120},
		{"retention_warning_days", offsetof(struct case_settings, retention_warning_days), 0, 365},
	};
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
		unsigned long number;
		if (strcmp(key, numbers[i].key) != 0)
			continue;
		if (parse_number(value, numbers[i].min, numbers[i].max, &number)) {
			snprintf(problem, problem_size, "bad value for cases.%s: a whole number from %lu to %lu",
				 numbers[i].key, numbers[i].min, numbers[i].max);
			return 1;
		}
		*(unsigned *)(void *)((char *)cases + numbers[i].offset) = (unsigned)number;
		return 0;
	}
	return 2;
}

struct ini_state {
	struct server_config *config;
	char problem[120];
	int failed;
};

static int copy_text(char *target, size_t size, const char *value)
{
	size_t len = strlen(value);
	if (len == 0 || len >= size)
		return -1;
	memcpy(target, value, len + 1);
	return 0;
}

/* inih calls this per setting; returning 0 makes ini_parse() report this line. */
static int on_setting(void *user, const char *section, const char *key, const char *value)
{
	struct ini_state *state = user;
	struct server_config *config = state->config;
	unsigned long number = 0;
	char listen_error[CONFIG_ERROR_SIZE];
	int bad = 0;
	if (state->failed)
		return 1;
	if (strcmp(section, "server") == 0) {
		if (strcmp(key, "listen") == 0) {
			bad = config_set_listen(config, value, listen_error);
		} else if (strcmp(key, "metrics_listen") == 0) {
			bad = config_set_metrics_listen(config, value, listen_error);
		} else if (strcmp(key, "public_base_url") == 0) {
			bad = (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
			      copy_text(config->public_base_url, sizeof config->public_base_url, value);
			size_t len = strlen(config->public_base_url);
			while (!bad && len > 8 && config->public_base_url[len - 1] == '/')
				config->public_base_url[--len] = '\0';
		} else if (strcmp(key, "web_dir") == 0) {
			bad = copy_text(config->web_dir, sizeof config->web_dir, value);
		} else if (strcmp(key, "key_file") == 0) {
			bad = copy_text(config->key_file, sizeof config->key_file, value);
		} else if (strcmp(key, "exit_url") == 0) {
			bad = strncmp(value, "https://", 8) != 0 || copy_text(config->exit_url, sizeof config->exit_url, value);
		} else if (strcmp(key, "fixed_time") == 0) {
			bad = !rfc3339_parse(value, strlen(value), &config->fixed_time);
			config->has_fixed_time = !bad;
		} else if (strcmp(key, "unsafe_synchronous_off") == 0) {
			bad = strcmp(value, "yes") != 0 && strcmp(value, "no") != 0;
			config->unsafe_synchronous_off = strcmp(value, "yes") == 0;
		} else if (strcmp(key, "threads") == 0) {
			bad = parse_number(value, 0, 256, &number);
			config->threads = (unsigned)number;
		} else if (strcmp(key, "workers") == 0) {
			bad = parse_number(value, 0, CONFIG_MAX_WORKERS, &number);
			config->workers = (unsigned)number;
		} else {
			bad = hardening_setting(config, section, key, value);
		}
	} else if (strcmp(section, "limits") == 0) {
		if (strcmp(key, "connections") == 0) {
			bad = parse_number(value, 1, 100000, &number);
			config->connections = (unsigned)number;
		} else if (strcmp(key, "connections_per_address") == 0) {
			bad = parse_number(value, 1, 100000, &number);
			config->connections_per_address = (unsigned)number;
		} else if (strcmp(key, "timeout_seconds") == 0) {
			bad = parse_number(value, 1, 3600, &number);
			config->timeout_seconds = (unsigned)number;
		} else if (strcmp(key, "body_bytes") == 0) {
			bad = parse_number(value, 1024, 16ul << 20, &number);
			config->body_bytes = number;
		} else if (strcmp(key, "url_bytes") == 0) {
			bad = parse_number(value, 256, 65536, &number);
			config->url_bytes = number;
		} else if (strcmp(key, "fields") == 0) {
			bad = parse_number(value, 1, 10000, &number);
			config->fields = (unsigned)number;
		} else if (strcmp(key, "submissions_per_hour") == 0) {
			bad = parse_number(value, 1, 1000000, &number);
			config->submissions_per_hour = (unsigned)number;
		} else if (strcmp(key, "receipt_attempts_per_hour") == 0) {
			bad = parse_number(value, 1, 1000000, &number);
			config->receipt_attempts_per_hour = (unsigned)number;
		} else {
			bad = hardening_setting(config, section, key, value);
		}
	} else if (strcmp(section, "site") == 0) {
		if (strcmp(key, "operator") == 0) {
			bad = copy_text(config->operator_name, sizeof config->operator_name, value);
		} else if (strcmp(key, "operator_about") == 0) {
			bad = copy_text(config->operator_about[0], sizeof config->operator_about[0], value);
		} else if (strcmp(key, "operator_about_en") == 0) {
			bad = copy_text(config->operator_about[1], sizeof config->operator_about[1], value);
		} else if (strcmp(key, "operator_url") == 0) {
			bad = (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
			      strpbrk(value, " \"<>'") != NULL ||
			      copy_text(config->operator_url, sizeof config->operator_url, value);
		} else if (strcmp(key, "answer_days") == 0) {
			bad = parse_number(value, 0, 365, &number);
			config->answer_days = (unsigned)number;
		} else {
			bad = 2;
		}
	} else if (strcmp(section, "cases") == 0) {
		bad = cases_setting(&config->cases, key, value, state->problem, sizeof state->problem);
		if (bad == 1) {
			state->failed = 1; /* the problem names the key and its range */
			return 0;
		}
	} else {
		snprintf(state->problem, sizeof state->problem, "unknown section [%.40s]", section);
		state->failed = 1;
		return 0;
	}
	if (bad) {
		snprintf(state->problem, sizeof state->problem, "%s %.40s.%.40s", bad == 2 ? "unknown setting" : "bad value for",
			 section, key);
		state->failed = 1;
		return 0;
	}
	return 1;
}

int config_load_file(struct server_config *config, const char *path, char error[CONFIG_ERROR_SIZE])
{
	struct ini_state state = {.config = config};
	int status = ini_parse(path, on_setting, &state);
	if (status < 0) {
		snprintf(error, CONFIG_ERROR_SIZE, "%.200s: cannot be read", path);
		return -1;
	}
	if (status > 0) {
		snprintf(error, CONFIG_ERROR_SIZE, "%.150s, line %d: %s", path, status,
			 state.failed ? state.problem : "not a valid INI line");
		return -1;
	}
	return 0;
}
