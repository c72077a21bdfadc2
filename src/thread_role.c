#include "thread_role.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local bool serves_http;

void thread_role_mark_http(void)
{
	serves_http = true;
}

bool thread_role_is_http(void)
{
	return serves_http;
}

void thread_role_forbid_blocking(const char *what)
{
#ifndef NDEBUG
	if (serves_http) {
		/* a blocking call here stalls every request this thread serves: a
		 * route that needs the database must be marked blocking in web.c */
		fprintf(stderr, "meldwijzer: %s called on an HTTP thread (mark the route blocking)\n", what);
		abort();
	}
#else
	(void)what;
#endif
}
