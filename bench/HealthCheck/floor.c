/*
 * The kernel's own cost of one TCP connect check on this machine, without .NET: the floor under
 * bench/HealthCheck's figures (docs/benchmarks.md, "Health checks (issue 3)").
 *
 *   cc -O2 -o /tmp/floor bench/HealthCheck/floor.c
 *   python3 bench/HealthCheck/farm.py 100 tcp &   # or any listeners on 127.1.0.1.. x 20000..20099
 *   /tmp/floor COUNT fin|rst block|epoll [ADDRESSES]
 *   /tmp/floor COUNT syn raw [ADDRESSES]           # as root: the half-open check (healthCheck.halfOpen)
 *
 * Connects COUNT times round-robin over the farm's listeners, one connection at a time, and closes each
 * once connected: "fin" closes normally (FIN exchange, TIME_WAIT on whichever side closed first), "rst"
 * sets SO_LINGER {1, 0} first (one RST, no TIME_WAIT). "block" uses a blocking connect(); "epoll" does
 * what an event-loop checker does: non-blocking connect, epoll_ctl ADD, epoll_wait, getsockopt(SO_ERROR).
 * Prints CPU (user, kernel) per connection from getrusage; the farm's own CPU is not counted, but on
 * loopback the connecting process runs both ends of the handshake in its own softirq context.
 *
 * "syn raw" sends one SYN at a time from a raw IPPROTO_TCP socket (IP_HDRINCL, source 127.0.0.1, from a port
 * held by a bound TCP socket so the kernel resets the SYN-ACK), with a classic BPF filter passing only ACKs to
 * that port, and waits for the answer with a blocking recv: what the half-open engine does, without .NET.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static uint16_t checksum(uint32_t sum, const uint8_t *p, int n)
{
    for (int i = 0; i + 1 < n; i += 2) sum += (p[i] << 8) | p[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons(~sum);
}

/* A raw socket that sees only ACKs to the port a bound TCP socket holds for it. */
static int syn_socket(uint16_t *port)
{
    int hold = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in any = { .sin_family = AF_INET };
    socklen_t len = sizeof any;
    bind(hold, (struct sockaddr *)&any, sizeof any);
    getsockname(hold, (struct sockaddr *)&any, &len);
    *port = ntohs(any.sin_port);
    int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    setsockopt(raw, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
    struct sock_filter code[] = {
        { 0xb1, 0, 0, 0 }, { 0x48, 0, 0, 2 }, { 0x15, 0, 3, *port },
        { 0x50, 0, 0, 13 }, { 0x45, 0, 1, 0x10 }, { 0x06, 0, 0, 80 }, { 0x06, 0, 0, 0 },
    };
    struct sock_fprog program = { sizeof code / sizeof code[0], code };
    setsockopt(raw, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
    return raw;
}

/* One SYN to `to`, and its answer: 0 for a SYN-ACK. */
static int syn_probe(int raw, uint16_t port, struct sockaddr_in *to, uint32_t isn)
{
    uint32_t src = htonl(0x7f000001), dst = to->sin_addr.s_addr;
    uint8_t p[40] = { 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6 };
    memcpy(p + 12, &src, 4);
    memcpy(p + 16, &dst, 4);
    *(uint16_t *)(p + 10) = checksum(0, p, 20);
    *(uint16_t *)(p + 20) = htons(port);
    *(uint16_t *)(p + 22) = to->sin_port;
    *(uint32_t *)(p + 24) = htonl(isn);
    p[32] = 5 << 4;
    p[33] = 0x02;
    *(uint16_t *)(p + 34) = htons(64240);
    uint8_t pseudo[32];
    memcpy(pseudo, p + 12, 8);
    pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 20;
    memcpy(pseudo + 12, p + 20, 20);
    *(uint16_t *)(p + 36) = checksum(0, pseudo, 32);
    sendto(raw, p, sizeof p, 0, (struct sockaddr *)to, sizeof *to);
    uint8_t reply[80];
    ssize_t n = recv(raw, reply, sizeof reply, 0);
    return n < 40 || (reply[20 + 13] & 0x12) != 0x12 ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s COUNT fin|rst block|epoll [ADDRESSES] | COUNT syn raw [ADDRESSES]\n", argv[0]);
        return 2;
    }
    long count = atol(argv[1]);
    int rst = strcmp(argv[2], "rst") == 0;
    int use_epoll = strcmp(argv[3], "epoll") == 0;
    int addresses = argc > 4 ? atoi(argv[4]) : 1;
    int ep = epoll_create1(0);
    uint16_t port = 0;
    int raw = strcmp(argv[2], "syn") == 0 ? syn_socket(&port) : -1;
    long failed = 0;
    struct rusage before, after;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++) {
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(20000 + i % 100) };
        int a = (i / 100) % addresses;
        to.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((a / 250) << 8) | (a % 250 + 1));
        if (raw >= 0) {
            failed += syn_probe(raw, port, &to, (uint32_t)i * 2654435761u) != 0;
            continue;
        }
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
