/*
 * The kernel's own cost of one TCP connect check on this machine, without .NET: the floor under
 * bench/HealthCheck's figures (docs/benchmarks.md, "Health checks (issue 3)").
 *
 *   cc -O2 -o /tmp/floor bench/HealthCheck/floor.c
 *   python3 bench/HealthCheck/farm.py 100 tcp &   # or any listeners on 127.1.0.1.. x 20000..20099
 *   /tmp/floor COUNT fin|rst block|epoll [ADDRESSES]
 *
 * Connects COUNT times round-robin over the farm's listeners, one connection at a time, and closes each
 * once connected: "fin" closes normally (FIN exchange, TIME_WAIT on whichever side closed first), "rst"
 * sets SO_LINGER {1, 0} first (one RST, no TIME_WAIT). "block" uses a blocking connect(); "epoll" does
 * what an event-loop checker does: non-blocking connect, epoll_ctl ADD, epoll_wait, getsockopt(SO_ERROR).
 * Prints CPU (user, kernel) per connection from getrusage; the farm's own CPU is not counted, but on
 * loopback the connecting process runs both ends of the handshake in its own softirq context.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s COUNT fin|rst block|epoll [ADDRESSES]\n", argv[0]);
        return 2;
    }
    long count = atol(argv[1]);
    int rst = strcmp(argv[2], "rst") == 0;
    int use_epoll = strcmp(argv[3], "epoll") == 0;
    int addresses = argc > 4 ? atoi(argv[4]) : 1;
    int ep = epoll_create1(0);
    long failed = 0;
    struct rusage before, after;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++) {
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(20000 + i % 100) };
        int a = (i / 100) % addresses;
        to.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((a / 250) << 8) | (a % 250 + 1));
        int fd = socket(AF_INET, SOCK_STREAM | (use_epoll ? SOCK_NONBLOCK : 0), 0);
        int rc = connect(fd, (struct sockaddr *)&to, sizeof to);
        if (use_epoll && rc < 0 && errno == EINPROGRESS) {
            struct epoll_event ev = { .events = EPOLLOUT | EPOLLONESHOT, .data.fd = fd }, out;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
            epoll_wait(ep, &out, 1, 1000);
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err == 0 ? 0 : -1;
        }
        if (rc < 0) {
            failed++;
        } else if (rst) {
            struct linger l = { 1, 0 };
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        close(fd);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &after);
    double user = seconds(after.ru_utime) - seconds(before.ru_utime);
    double sys = seconds(after.ru_stime) - seconds(before.ru_stime);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s %s: %ld connections (%ld failed) in %.2f s: %.1f us user + %.1f us kernel per connection"
           " (%.0f %% of a core at 10,000/s)\n",
           argv[2], argv[3], count, failed, wall, user / count * 1e6, sys / count * 1e6, (user + sys) / count * 1e6);
    return 0;
}
