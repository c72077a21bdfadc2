/*
 * An LD_PRELOAD library for the benchmark's emulated disk (issue 11): every
 * fsync() and fdatasync() of the process returns after SYNC_DELAY_US
 * microseconds, as on a disk whose write cache is flushed in that time.
 *
 * Why: the submission target is ">= 100 % of plain SQLite inserts on fast and
 * slow disks", and a machine has the disk it has. With both databases on
 * tmpfs (a sync costs nothing there, the writes go to memory as they go to
 * the page cache on a disk) and this library loaded into the server and into
 * the plain-insert baseline alike, both wait the same time for each sync, so
 * the ratio can be measured for a disk of any speed. The rate the baseline
 * reaches says which disk it was (a sleep overshoots: on the VM of
 * docs/benchmarks.md, 50 us gave the 7,600-8,900 syncs/s, 120 us gave
 * 4,200-4,700). Reads, writes and everything else are
 * untouched; a real sync's cost grows with what it flushes, this one does not
 * (docs/benchmarks.md says so beside the numbers).
 *
 * The wait is a sleep, not a spin: a sync does not use the CPU either. The
 * thread's timer slack is set to 1 ns first, or the kernel may let a sleep of
 * 120 us run 50 us longer.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static long delay_nanoseconds;
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

__attribute__((constructor)) static void find_the_real_calls(void)
{
	const char *micros = getenv("SYNC_DELAY_US");
	long value = micros ? strtol(micros, NULL, 10) : 0;
	delay_nanoseconds = value > 0 && value < 1000000 ? value * 1000 : 0;
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
}

static void wait_as_a_disk_would(void)
{
	static __thread int slack_set;
	if (!slack_set) {
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
		slack_set = 1;
	}
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += delay_nanoseconds;
	while (until.tv_nsec >= 1000000000L) {
		until.tv_nsec -= 1000000000L;
		until.tv_sec++;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
}

int fsync(int fd)
{
	int result = real_fsync ? real_fsync(fd) : (errno = ENOSYS, -1);
	wait_as_a_disk_would();
	return result;
}

int fdatasync(int fd)
{
	int result = real_fdatasync ? real_fdatasync(fd) : (errno = ENOSYS, -1);
	wait_as_a_disk_would();
	return result;
}
