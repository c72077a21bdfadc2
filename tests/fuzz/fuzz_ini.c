/* libFuzzer target: the INI reader of `serve --config` (inih and
 * config_load_file's settings). The input is handed over as a file through a
 * memfd, so the reader runs exactly as it does on a real file. Whatever it
 * reads, the settings stay within their documented ranges, and a refusal
 * always names a problem. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-ini", 0);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64], error[CONFIG_ERROR_SIZE];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct server_config config;
	config_defaults(&config, "web");
	error[0] = '\0';
	if (config_load_file(&config, path, error) == 0) {
		if (config.port < 1 || config.port > 65535 || config.workers > CONFIG_MAX_WORKERS ||
		    config.trusted_proxy_count > CONFIG_MAX_TRUSTED_PROXIES || config.queue < 1 ||
		    config.fields < 1 || config.body_bytes < 1024 || config.url_bytes < 256 ||
		    strnlen(config.listen_host, sizeof config.listen_host) == sizeof config.listen_host ||
		    strnlen(config.key_file, sizeof config.key_file) == sizeof config.key_file ||
		    strnlen(config.public_base_url, sizeof config.public_base_url) == sizeof config.public_base_url)
			abort();
		for (unsigned i = 0; i < config.trusted_proxy_count; i++) {
			if (config.trusted_proxies[i].prefix > 128)
				abort();
		}
	} else if (error[0] == '\0') {
		abort();
	}
	close(fd);
	return 0;
}
