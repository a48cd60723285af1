#!/usr/bin/env python3
"""The real servers for bench/HealthCheck: listeners on 127.1.0.1.. (or 2001:2::1:1..) x ports 20000.., in one epoll loop.

tcp: accept and close. http: read the request head, answer 200 "ok", close. One thread, no hand-offs, so
the farm stays cheaper than the checker it feeds. On stdin, "drop N" closes every listener of the first N
addresses (their checks then get refused); "count" prints "served N": the connections accepted (tcp) or
answered (http) so far, so a checker that keeps no count of its own (keepalived) can be measured. Prints "ready"
once listening.
"""
import select
import socket
import sys

FIRST_PORT, PORTS = 20000, 100
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


def address(index, ipv6):
    return f"2001:2::1:{index + 1:x}" if ipv6 else f"127.1.{index // 250}.{index % 250 + 1}"


def main():
    addresses, http = int(sys.argv[1]), sys.argv[2] == "http"
    ipv6 = len(sys.argv) > 3 and sys.argv[3] == "6"
    ep = select.epoll()
    listeners, clients, by_address = {}, {}, {}
    served = 0
    for a in range(addresses):
        for p in range(PORTS):
            s = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((address(a, ipv6), FIRST_PORT + p))
            s.listen(1024)
            s.setblocking(False)
            listeners[s.fileno()] = s
            by_address.setdefault(a, []).append(s)
            ep.register(s.fileno(), select.EPOLLIN)
    ep.register(sys.stdin.fileno(), select.EPOLLIN)
    print("ready", flush=True)
    while True:
        for fd, _ in ep.poll():
            if fd == sys.stdin.fileno():
                line = sys.stdin.readline()
                if not line:
                    return
                if line.startswith("drop "):
                    for a in range(min(int(line[5:]), addresses)):
                        for s in by_address.pop(a, []):
                            ep.unregister(s.fileno())
                            del listeners[s.fileno()]
                            s.close()
                    print("dropped", flush=True)
                elif line.startswith("count"):
                    print(f"served {served}", flush=True)
            elif fd in listeners:
                while True:
                    try:
                        c, _ = listeners[fd].accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    if http:
                        c.setblocking(False)
                        clients[c.fileno()] = (c, bytearray())
                        ep.register(c.fileno(), select.EPOLLIN)
                    else:
                        served += 1
                        c.close()
            elif fd in clients:
                c, head = clients[fd]
                try:
                    data = c.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                head += data
                if not data or b"\r\n\r\n" in head:
                    ep.unregister(fd)
                    del clients[fd]
                    if data:
                        try:
                            c.send(RESPONSE)
                            served += 1
                        except OSError:
                            pass
                    c.close()


if __name__ == "__main__":
    main()
