/*
 * The kernel's own cost of one half-open check on this machine, without .NET: the floor under
 * `bench/HealthCheck/run --half-open` (docs/benchmarks.md, "Health checks (issue 3)"); floor.c is the
 * same for full connects.
 *
 *   cc -O2 -o /tmp/floor-syn bench/HealthCheck/floor-syn.c
 *   python3 bench/HealthCheck/farm.py 100 tcp &   # or any listeners on 127.1.0.1.. x 20000..20099
 *   /tmp/floor-syn COUNT [ADDRESSES]               # as root (raw socket)
 *
 * One SYN at a time from a raw IPPROTO_TCP socket (IP_HDRINCL, source 127.0.0.1, a port held by a bound TCP
 * socket so the kernel resets the SYN-ACK), a classic BPF filter passing only SYN-ACK/RST-ACK to that port,
 * and a blocking recv of the answer. Prints CPU per probe from getrusage. On loopback the process also runs
 * the listener's side (SYN-ACK, request socket, the reset) in its softirq context.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s COUNT [ADDRESSES]\n", argv[0]);
        return 2;
    }
    long count = atol(argv[1]);
    int addresses = argc > 2 ? atoi(argv[2]) : 1;
    int hold = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = { .sin_family = AF_INET };
    socklen_t len = sizeof any;
    bind(hold, (struct sockaddr *)&any, sizeof any);
    getsockname(hold, (struct sockaddr *)&any, &len);
    uint16_t port = ntohs(any.sin_port);
    int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP), one = 1;
    setsockopt(raw, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
    struct sock_filter code[] = {
        { 0xb1, 0, 0, 0 }, { 0x48, 0, 0, 2 }, { 0x15, 0, 3, port },
        { 0x50, 0, 0, 13 }, { 0x45, 0, 1, 0x10 }, { 0x06, 0, 0, 80 }, { 0x06, 0, 0, 0 },
    };
    struct sock_fprog program = { sizeof code / sizeof code[0], code };
    setsockopt(raw, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program);
    long failed = 0;
    struct rusage before, after;
    struct timespec t0, t1;
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < count; i++) {
        int a = (i / 100) % addresses;
        uint32_t src = htonl(0x7f000001), dst = htonl((127u << 24) | (1u << 16) | ((a / 250) << 8) | (a % 250 + 1));
        uint8_t p[40] = { 0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6 };
        memcpy(p + 12, &src, 4);
        memcpy(p + 16, &dst, 4);
        *(uint16_t *)(p + 10) = checksum(0, p, 20);
        *(uint16_t *)(p + 20) = htons(port);
        *(uint16_t *)(p + 22) = htons(20000 + i % 100);
        *(uint32_t *)(p + 24) = htonl((uint32_t)i * 2654435761u);
        p[32] = 5 << 4;
        p[33] = 0x02;
        *(uint16_t *)(p + 34) = htons(64240);
        uint8_t pseudo[32];
        memcpy(pseudo, p + 12, 8);
        pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 20;
        memcpy(pseudo + 12, p + 20, 20);
        *(uint16_t *)(p + 36) = checksum(0, pseudo, 32);
        struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = dst };
        sendto(raw, p, sizeof p, 0, (struct sockaddr *)&to, sizeof to);
        uint8_t reply[80];
        ssize_t n = recv(raw, reply, sizeof reply, 0);
        if (n < 40 || (reply[20 + 13] & 0x12) != 0x12) failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    getrusage(RUSAGE_SELF, &after);
    double user = seconds(after.ru_utime) - seconds(before.ru_utime);
    double sys = seconds(after.ru_stime) - seconds(before.ru_stime);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("syn: %ld probes (%ld not SYN-ACK) in %.2f s: %.1f us user + %.1f us kernel per probe"
           " (%.0f %% of a core at 10,000/s)\n",
           count, failed, wall, user / count * 1e6, sys / count * 1e6, (user + sys) / count * 1e6);
    return 0;
}
