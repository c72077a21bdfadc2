/* Running a program from a unit test: for the tests that check a command's output (oathtool, the
 * meldwijzer CLI). Include after _POSIX_C_SOURCE is defined. */
#ifndef MELDWIJZER_TEST_RUN_H
#define MELDWIJZER_TEST_RUN_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs argv[0] (found on PATH) without a shell, its output (stdout and
 * stderr) into `out`; returns its exit status, or -1 when it did not run. */
static inline int run_captured(const char *const argv[], char *out, size_t size)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (child == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	int status = 0;
	if (waitpid(child, &status, 0) != child)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
