/*
 * The platform's own floor under the aggressive-advert soaks: a SCHED_FIFO thread (priority 10, as the daemon's
 * VRRP threads) sleeps to absolute 10 ms deadlines, as an advert timer does, and reports how late it woke, like
 * rt-tests' cyclictest (not in Debian's default install). Every wake-up later than 30 ms is printed with its
 * CLOCK_MONOTONIC time. No .NET, no sockets: a late wake-up here is the machine's (a vCPU the hypervisor did not
 * run, an interrupt held off), and an advert timer of any VRRP daemon on this machine is late by as much.
 *
 *   cc -O2 -o /tmp/wakeup-latency bench/failover/wakeup-latency.c
 *   sudo /tmp/wakeup-latency 300        # seconds; run it beside bench/failover/soak to attribute its gaps
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sched.h>
int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 60;
    struct sched_param p = { .sched_priority = 10 };
    if (sched_setscheduler(0, SCHED_FIFO, &p)) perror("sched_setscheduler");
    struct timespec next; clock_gettime(CLOCK_MONOTONIC, &next);
    long n = seconds * 100, over5 = 0, over30 = 0; double worst = 0;
    for (long i = 0; i < n; i++) {
        next.tv_nsec += 10000000; if (next.tv_nsec >= 1000000000) { next.tv_nsec -= 1000000000; next.tv_sec++; }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        struct timespec now; clock_gettime(CLOCK_MONOTONIC, &now);
        double late = (now.tv_sec - next.tv_sec) * 1e3 + (now.tv_nsec - next.tv_nsec) / 1e6;
        if (late > worst) worst = late;
        if (late > 5) over5++;
        if (late > 30) { over30++; printf("late %.1f ms at %ld.%03ld\n", late, (long)now.tv_sec, now.tv_nsec / 1000000); fflush(stdout); }
    }
    printf("%ld wakes, worst %.1f ms, >5 ms: %ld, >30 ms: %ld\n", n, worst, over5, over30);
}
