#!/usr/bin/env python3
"""The ECMP lab's (deploy/lab/ecmp.py) real-server program and client agent, one process per namespace (every
process start costs seconds in the TCG test VM).

  ecmp_peer.py serve NAME     on each real server, port 80 of every address (the VIP is on lo):
                               "GET ..." (HTTP/1.0)   -> 200, body "NAME\\n", close
                               "HOLD\\n" then lines    -> "NAME 0\\n", then "NAME <line>\\n" per line: a long-lived
                                                         connection that says which real server holds it
  ecmp_peer.py agent          in the client (and probe) namespace: JSON commands on stdin, one JSON answer a line
                               on stdout. Ops: burst, stream_start, stream_rows, stream_stop, hold, hold_status,
                               hold_release (see Agent). Every connection is bound to a given source address: IPVS's
                               mh scheduler hashes the client address (the lab sets no mh-port), so many client addresses
                               stand for many clients.
"""
import json, os, select, socket, socketserver, sys, threading, time


# ---------- the real server ----------------------------------------------------------------------------------
def serve(name):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            first = self.rfile.readline()
            if first.startswith(b"GET"):
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                body = f"{name}\n".encode()
                self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
            elif first.startswith(b"HOLD"):
                self.wfile.write(f"{name} 0\n".encode())
                self.wfile.flush()
                for line in self.rfile:
                    self.wfile.write(f"{name} {line.decode(errors='replace').strip()}\n".encode())
                    self.wfile.flush()

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True
        request_queue_size = 256

    Server(("0.0.0.0", 80), Handler).serve_forever()


# ---------- the client agent ---------------------------------------------------------------------------------
def connect(vip, port, source, timeout):
    """A non-blocking connect from source (so the local port is known even when the SYN goes unanswered)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((source, 0))
    s.setblocking(False)
    s.connect_ex((vip, port))
    lport = s.getsockname()[1]
    if not select.select([], [s], [], timeout)[1]:
        s.close()
        return None, lport, "timeout"
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        s.close()
        return None, lport, os.strerror(err)
    s.setblocking(True)
    return s, lport, None


def get(vip, source, timeout):
    """One HTTP GET on a new connection: (ok, real server or error, local port)."""
    t0 = time.time()
    s, lport, err = connect(vip, 80, source, timeout)
    if s is None:
        return False, err, lport
    try:
        with s:
            s.settimeout(max(0.001, t0 + timeout - time.time()))
            s.sendall(f"GET / HTTP/1.0\r\nHost: {vip}\r\n\r\n".encode())
            data = b""
            while True:
                s.settimeout(max(0.001, t0 + timeout - time.time()))
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if head.split(b" ", 2)[1:2] != [b"200"]:
            return False, "bad-response", lport
        return True, body.split()[0].decode() if body.split() else "empty", lport
    except socket.timeout:
        return False, "timeout", lport
    except OSError as e:
        return False, type(e).__name__, lport


class Held(threading.Thread):
    """One long-lived connection: a line every `period`, each answered by the real server that holds it. It records
    every answer's real server, the longest wait for an answer, and the first failure (then it stops)."""

    def __init__(self, vip, source, period, timeout):
        super().__init__(daemon=True)
        self.vip, self.source, self.period, self.timeout = vip, source, period, timeout
        self.port, self.rs, self.servers, self.answers = None, None, set(), 0
        self.error, self.error_at, self.longest, self.last_ok = None, None, 0.0, None
        self.running, self.ready = True, threading.Event()

    def run(self):
        s, self.port, err = connect(self.vip, 80, self.source, self.timeout)
        if s is None:
            self.error, self.error_at = err, time.time()
            self.ready.set()
            return
        try:
            with s:
                f = s.makefile("rb")
                seq = 0
                s.sendall(b"HOLD\n")
                while self.running:
                    t = time.time()
                    s.settimeout(self.timeout)
                    line = f.readline().split()
                    if len(line) != 2 or line[1] != str(seq).encode():
                        raise OSError(f"answer {line!r} to {seq}")
                    now = time.time()
                    self.longest = max(self.longest, now - t)
                    self.last_ok = now
                    who = line[0].decode()
                    self.rs = self.rs or who
                    self.servers.add(who)
                    self.answers += 1
                    self.ready.set()
                    time.sleep(self.period)
                    seq += 1
                    s.sendall(f"{seq}\n".encode())
        except socket.timeout:
            self.error, self.error_at = "timeout", time.time()
        except OSError as e:
            self.error, self.error_at = f"{type(e).__name__}: {e}", time.time()
        self.ready.set()

    def status(self):
        return {"source": self.source, "port": self.port, "rs": self.rs, "servers": sorted(self.servers),
                "answers": self.answers, "error": self.error, "error_at": self.error_at,
                "longest_s": round(self.longest, 3), "last_ok": self.last_ok}


class Agent:
    def __init__(self):
        self.rows, self.streaming, self.held = [], None, []

    def burst(self, vip, sources, n, timeout=10.0, threads=4):
        """n requests on new connections, the source addresses taken in turn: [[source, port, ok, rs or error]]."""
        out = [None] * n
        lock = threading.Lock()
        nxt = [0]

        def worker():
            while True:
                with lock:
                    i = nxt[0]
                    nxt[0] += 1
                if i >= n:
                    return
                src = sources[i % len(sources)]
                ok, who, port = get(vip, src, timeout)
                out[i] = [src, port, ok, who]
        ws = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, min(threads, n)))]
        for w in ws:
            w.start()
        for w in ws:
            w.join()
        return out

    def stream_start(self, vip, sources, timeout=10.0, pause=0.05):
        """Requests one after another until stream_stop, the source addresses taken in turn."""
        self.streaming = threading.Event()
        running = self.streaming

        def loop():
            i = 0
            while not running.is_set():
                src = sources[i % len(sources)]
                i += 1
                sent = time.time()
                ok, who, port = get(vip, src, timeout)
                self.rows.append([round(sent, 3), round(time.time(), 3), ok, who, src, port])
                time.sleep(pause)
        threading.Thread(target=loop, daemon=True).start()
        return True

    def stream_rows(self, since=0.0):
        return [r for r in list(self.rows) if r[0] >= since]

    def stream_stop(self):
        if self.streaming:
            self.streaming.set()
        return True

    def hold(self, vip, sources, period=0.5, timeout=10.0):
        """Opens one long-lived connection per source address; returns their status once each has its first answer."""
        new = [Held(vip, src, period, timeout) for src in sources]
        for h in new:
            h.start()
            time.sleep(0.02)
        for h in new:
            h.ready.wait(timeout + 5)
        self.held += new
        return [h.status() for h in new]

    def hold_status(self):
        return [h.status() for h in self.held]

    def hold_release(self):
        for h in self.held:
            h.running = False
        for h in self.held:
            h.join(h.period + h.timeout + 1)
        self.held = []
        return True


def agent():
    a = Agent()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.pop("op")
        try:
            answer = {"ok": getattr(a, op)(**req)}
        except Exception as e:  # an answer either way: the lab must not hang on a broken command
            answer = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["agent"]:
        agent()
    else:
        sys.exit(__doc__)
