#!/usr/bin/env python3
"""The lab's HTTP client, run inside the client namespace (one process: starting many is slow under TCG).
URL's host is an IPv4 address or an IPv6 one in brackets (http://[2001:2::88]/): the socket takes its family.

  client.py burst URL N [TIMEOUT]    N requests one after another, each on a new connection (so IPVS
                                     schedules each); prints one JSON object: counts per server, failures,
                                     response bytes
  client.py stream URL [TIMEOUT] [PAUSE]
                                     requests until SIGTERM/SIGINT, one line per request on stdout:
                                     "<sent> <done> <1|0> <server name or error> <local port>" (unix seconds)
The server name is the first word of the body (each real server's pages start with its name).
"""
import errno, json, os, select, signal, socket, sys, time
from urllib.parse import urlsplit


def get(url, timeout):
    """One HTTP/1.0 GET on a fresh connection: (ok, first word of the body or the error, bytes received, local port).
    The connect is non-blocking so the local port is known even when the SYN is never answered: the lab looks a
    failed request up in the directors' connection tables by it."""
    u = urlsplit(url)
    port = 0
    try:
        family = socket.AF_INET6 if ":" in u.hostname else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            deadline = time.time() + timeout
            s.setblocking(False)
            s.connect_ex((u.hostname, u.port or 80))
            port = s.getsockname()[1]
            if not select.select([], [s], [], timeout)[1]:
                return False, "timeout", 0, port
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, os.strerror(err))
            s.settimeout(max(0.001, deadline - time.time()))
            s.sendall(f"GET {u.path or '/'} HTTP/1.0\r\nHost: {u.netloc}\r\n\r\n".encode())
            data = bytearray()
            while True:
                if time.time() > deadline:
                    return False, "timeout", len(data), port
                s.settimeout(max(0.001, deadline - time.time()))
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = bytes(data).partition(b"\r\n\r\n")
        status = head.split(b" ", 2)[1:2]
        if status != [b"200"]:
            return False, "status-" + (status[0].decode() if status else "none"), len(data), port
        words = body.split()
        return True, (words[0].decode() if words else "empty"), len(data), port
    except socket.timeout:
        return False, "timeout", 0, port
    except OSError as e:
        name = {errno.ECONNREFUSED: "ConnectionRefusedError", errno.ECONNRESET: "ConnectionResetError"}.get(e.errno)
        return False, name or type(e).__name__, 0, port


def burst(url, n, timeout):
    servers, failed, errors, received = {}, 0, {}, 0
    t0 = time.time()
    for _ in range(n):
        ok, who, nbytes, _ = get(url, timeout)
        received += nbytes
        if ok:
            servers[who] = servers.get(who, 0) + 1
        else:
            failed += 1
            errors[who] = errors.get(who, 0) + 1
    print(json.dumps({"servers": servers, "failed": failed, "errors": errors, "bytes": received,
                      "seconds": round(time.time() - t0, 3)}), flush=True)


def stream(url, timeout, pause):
    running = [True]

    def stop(*_):
        running[0] = False
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while running[0]:
        sent = time.time()
        ok, who, _, port = get(url, timeout)
        print(f"{sent:.3f} {time.time():.3f} {1 if ok else 0} {who} {port}", flush=True)
        time.sleep(pause)


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "burst":
        burst(url, int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 5.0)
    elif mode == "stream":
        stream(url, float(sys.argv[3]) if len(sys.argv) > 3 else 2.0, float(sys.argv[4]) if len(sys.argv) > 4 else 0.05)
    else:
        sys.exit(__doc__)
