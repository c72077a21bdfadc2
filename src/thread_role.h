/*
 * thread_role: which kind of thread runs this code, so that the house rule
 * "HTTP threads never touch the database" is checked rather than hoped for.
 *
 * http.c marks libmicrohttpd's threads when they call its request handler;
 * worker threads and the main thread are never marked. db.c calls
 * thread_role_forbid_blocking() at the top of every operation that runs SQL:
 * in debug and test builds (no NDEBUG) it aborts with a message when called
 * on a marked thread, because the router should have handed that route to
 * the worker pool (docs/architecture.md, "Where a request runs").
 */
#ifndef MELDWIJZER_THREAD_ROLE_H
#define MELDWIJZER_THREAD_ROLE_H

#include <stdbool.h>

/* Marks the calling thread as one that serves HTTP requests (for its whole life). */
void thread_role_mark_http(void);
/* Whether the calling thread was marked. */
bool thread_role_is_http(void);
/* Aborts (debug and test builds) when the calling thread serves HTTP; `what` names the operation. */
void thread_role_forbid_blocking(const char *what);

#endif
