/*
 * LD_PRELOAD shim for the clock-step row of the fault matrix (FaultMatrixTests): steps one process's wall clock
 * without touching the host's. Stepping CLOCK_REALTIME for real (date -s) would step every process on the machine,
 * and a time namespace offsets only CLOCK_MONOTONIC and CLOCK_BOOTTIME, never CLOCK_REALTIME.
 *
 * CLOCKSHIFT_FILE names a file of 8 bytes, a signed little-endian count of seconds, mapped shared: the test writes a
 * new offset in place and every later clock_gettime(CLOCK_REALTIME*), gettimeofday and time of the process sees it at
 * once, exactly as after a step of the system clock. The monotonic clocks (and the kernel's timers on them) are left
 * alone, as a step leaves them. Not covered: timers the kernel runs on CLOCK_REALTIME (timerfd, clock_nanosleep with
 * TIMER_ABSTIME), which a real step would move; the daemon arms none (its timerfd is CLOCK_MONOTONIC).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static volatile const int64_t *offset;

/* Resolved on first use, not in the constructor: other libraries' constructors can run before ours and read the clock
 * (keepalived's glib does), and a call through a null pointer killed keepalived before main: the reason its clock row
 * once never saw a master. */
static int real(clockid_t id, struct timespec *ts)
{
    if (real_clock_gettime == NULL)
        real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    return real_clock_gettime(id, ts);
}

__attribute__((constructor)) static void clockshift_init(void)
{
    const char *path = getenv("CLOCKSHIFT_FILE");
    if (path == NULL)
        return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    void *p = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p != MAP_FAILED)
        offset = p;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    int r = real(id, ts);
    if (r == 0 && offset != NULL && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI))
        ts->tv_sec += *offset;
    return r;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    struct timespec ts;
    int r = clock_gettime(CLOCK_REALTIME, &ts);
    if (r == 0 && tv != NULL) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return r;
}

time_t time(time_t *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t != NULL)
        *t = ts.tv_sec;
    return ts.tv_sec;
}
