/* web_static: the files under web/static (styles, the quick-exit script, icons), read once at
 * start and served from memory with an ETag, so that a browser asks only whether they changed. */
#define _POSIX_C_SOURCE 200809L
#include "fnv.h"
#include "web_modules.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define STATIC_FILE_CAP (512u * 1024u)

static const char *content_type_for(const char *name)
{
	static const struct {
		const char *suffix, *type;
	} types[] = {{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		     {".svg", "image/svg+xml"},           {".png", "image/png"},
		     {".ico", "image/x-icon"},            {".txt", "text/plain; charset=utf-8"}};
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		size_t suffix_len = strlen(types[i].suffix);
		if (len > suffix_len && strcmp(name + len - suffix_len, types[i].suffix) == 0)
			return types[i].type;
	}
	return NULL;
}

int web_static_load(struct web *web, const char *dir, char *error, size_t error_size)
{
	DIR *folder = opendir(dir);
	if (!folder) {
		snprintf(error, error_size, "%.200s: cannot open the static folder", dir);
		return -1;
	}
	struct dirent *file;
	int status = 0;
	while (status == 0 && (file = readdir(folder)) != NULL) {
		const char *type = content_type_for(file->d_name);
		if (file->d_name[0] == '.' || !type)
			continue;
		if (web->static_count == WEB_MAX_STATIC || strlen(file->d_name) > 100) {
			snprintf(error, error_size, "%.200s: too many files, or a name too long", dir);
			status = -1;
			break;
		}
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, file->d_name);
		struct strbuf data;
		strbuf_init(&data, STATIC_FILE_CAP);
		if (strbuf_read_file(&data, path) != STRBUF_OK) {
			snprintf(error, error_size, "%.200s: cannot be read (or larger than 512 KiB)", path);
			status = -1;
		} else {
			struct web_static_file *entry = &web->statics[web->static_count++];
			snprintf(entry->url, sizeof entry->url, "/static/%.100s", file->d_name);
			snprintf(entry->etag, sizeof entry->etag, "\"%016llx\"",
				 (unsigned long long)fnv1a_64(data.buf, data.len));
			entry->ok = http_cached_create(200, type, data.buf, data.len, true, entry->etag);
			entry->not_modified = http_cached_create(304, NULL, "", 0, true, entry->etag);
			if (!entry->ok || !entry->not_modified) {
				snprintf(error, error_size, "out of memory");
				status = -1;
			}
		}
		strbuf_release(&data);
	}
	closedir(folder);
	return status;
}


void web_static_release(struct web *web)
{
	for (size_t i = 0; i < web->static_count; i++) {
		http_cached_free(web->statics[i].ok);
		http_cached_free(web->statics[i].not_modified);
	}
	web->static_count = 0;
}

void web_static_file(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)lang;
	for (size_t i = 0; i < web->static_count; i++) {
		const struct web_static_file *file = &web->statics[i];
		if (strcmp(file->url, request->path) != 0)
			continue;
		bool fresh = request->if_none_match && strstr(request->if_none_match, file->etag);
		reply->cached = fresh ? file->not_modified : file->ok;
		return;
	}
	web_error_page(web, request, 404, reply);
}
