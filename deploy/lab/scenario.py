#!/usr/bin/env python3
"""The lab's scenario, run in a kernel that has IPVS (the host's, or the test VM's: deploy/lab/run decides).

Builds the seed's LVS-DR cluster in network namespaces, runs two `hadirector run` directors on it, and
narrates each step with a measured verdict; writes the verdicts as a TRX file (one test each) and the
figures as JSON into --results. Exit status 0 only if every verdict passed.
Usage (as root): deploy/lab/scenario.py [--keep] [--advert 100ms] [--results DIR] [--bin HADIRECTOR]
"""
import argparse, bisect, datetime, ipaddress, json, os, re, shutil, signal, subprocess, sys, tempfile, time
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from labnet import BIN, ROOT, Lan, sh  # noqa: E402

TAG = "lab"
VIP = "198.18.0.88"
HOSTS = {"lb1": "198.18.0.10", "lb2": "198.18.0.11", "rs1": "198.18.0.119", "rs2": "198.18.0.84"}
CLIENT = "198.18.1.2"
# Dual-stack: the same service on an IPv6 VIP (RFC 5180's 2001:2::/48, as IPv4 is mapped into 198.18.0.0/15), a VRRPv3
# instance over IPv6 bound to the IPv4 one by a sync group, and a second client stream over IPv6.
VIP6 = "2001:2::88"
HOSTS6 = {"lb1": "2001:2::10", "lb2": "2001:2::11", "rs1": "2001:2::119", "rs2": "2001:2::84"}
VIP6_HEX = ipaddress.IPv6Address(VIP6).packed.hex()   # as /proc/net/if_inet6 shows it
CLIENT_HEX = "".join(f"{int(o):02X}" for o in CLIENT.split("."))   # as /proc/net/ip_vs_conn shows it
CLIENT6 = "2001:2:1::2"
CLIENT6_FULL = ipaddress.IPv6Address(CLIENT6).exploded                # as /proc/net/ip_vs_conn shows it (%pI6)
PRIORITY = {"lb1": 150, "lb2": 100}
WEIGHT = {"rs1": 2, "rs2": 1}
IN_VM = os.environ.get("HADIRECTOR_TEST_VM") == "1"
# Health-check timers: 1 s / 500 ms / rise 2 / fall 2 on a real kernel. In the TCG VM on a loaded host a probe
# of a healthy server measured 0.5-5 s (the whole VM stalls), which flapped both real servers with a 500 ms
# timeout; there the lab uses slower timers (and the same bound formula: fall x interval + timeout).
HC = ({"interval": 2.0, "timeout": 1.5, "rise": 2, "fall": 3} if IN_VM
      else {"interval": 1.0, "timeout": 0.5, "rise": 2, "fall": 2})
# A request of the steady stream fails when not answered within this. A request in flight when the VIP moves
# waits for the old master's sync announcement (the kernel sends it every 2 s) and the client's next
# retransmission (0.2, 0.6, 1.4, 3 s after the first try): up to ~3 s; a browser or curl waits far longer.
STREAM_TIMEOUT = 5.0
SLACK = 1.0                   # added to the health-check bound: polling and scheduling in a loaded emulated VM

# The router's bridge, `tcpdump -e -tt -n`: "<ts> <src mac> > <dst mac>, ethertype IPv4 (0x0800), length 74: 198.18.1.2.40000 >
# 198.18.0.88.80: Flags [S], ...": which director each client segment went to, and every GARP and neighbour advert.
PACKET = re.compile(r"^(\d+\.\d+) (\S+) > (\S+), ethertype (\S+) \(0x[0-9a-f]+\), length \d+: (.*)$")
SEGMENT = re.compile(r"^(\S+)\.(\d+) > (\S+)\.80: Flags \[([^\]]*)\]")
GARP = re.compile(r"^(?:Request who-has (\S+) .*tell (\S+),|Reply (\S+) is-at)")
NA = re.compile(r"neighbor advertisement, tgt is (\S+),")
# ip -ts monitor address: "[2026-12-07T09:20:03.123456] Deleted 2: eth0    inet 198.18.0.88/32 scope global eth0"
ADDR = re.compile(r"^\[(\S+)\] (Deleted )?\d+: \S+\s+inet6? (\S+)/\d+")


def say(text=""):
    print(text, flush=True)


def wait(cond, timeout, what, poll=0.02):
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(poll)
    raise TimeoutError(f"{what} (waited {timeout:.0f} s)")


def hexaddr(h):
    """'C6120058:0050' -> '198.18.0.88:80'; '[2001:0002:...:0088]:0050' -> '[2001:2::88]:80' (/proc/net/ip_vs's IPv6)"""
    if h.startswith("["):
        a, p = h[1:].split("]:")
        return f"[{ipaddress.IPv6Address(a)}]:{int(p, 16)}"
    a, p = h.split(":")
    return ".".join(str(int(a[i:i + 2], 16)) for i in (0, 2, 4, 6)) + f":{int(p, 16)}"


def svc(family):
    """The lab's service as Lab.ipvs() keys it: '198.18.0.88:80' or '[2001:2::88]:80'."""
    return f"{VIP}:80" if family == 4 else f"[{VIP6}]:80"


def dest(rs, family):
    return f"{HOSTS[rs]}:80" if family == 4 else f"[{HOSTS6[rs]}]:80"


def url(family):
    return f"http://{VIP}/" if family == 4 else f"http://[{VIP6}]/"


class Lab:
    def __init__(self, a):
        self.a = a
        self.bin = a.bin
        self.dir = tempfile.mkdtemp(prefix="hd-lab-")
        self.results = []
        self.figures = {"advert_interval": a.advert, "in_vm": IN_VM}
        self.procs = {}       # name -> Popen: everything this lab started (stopped by pid at the end)
        self.anchor = {}      # namespace -> pid of a `sleep` in it: /proc/PID/net/* reads that namespace
        self.lan = None
        self.dr = {}          # family -> what the burst's capture and counters saw (direct_return judges it)

    # ---------- plumbing -------------------------------------------------------------------------------
    def ns(self, host):
        return self.lan.ns(host) if host != "rtr" else self.lan.router

    def spawn(self, name, host, cmd, log=None):
        out = open(log or os.path.join(self.dir, f"{name}.log"), "a")
        p = subprocess.Popen(["ip", "netns", "exec", self.ns(host)] + cmd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.procs[name] = p
        return p

    def kill(self, name, sig=signal.SIGTERM, timeout=30):
        p = self.procs.get(name)
        if p is None or p.poll() is not None:
            return
        p.send_signal(sig)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def proc_net(self, host, name):
        with open(f"/proc/{self.anchor[host]}/net/{name}") as f:
            return f.read()

    def ipvs(self, host):
        """{'198.18.0.88:80': {'198.18.0.119:80': weight}} from the namespace's /proc/net/ip_vs; {} while the ip_vs
        module is not loaded yet (the daemon's first IPVS request loads it, and VRRP may elect before that)."""
        table, svc = {}, None
        try:
            text = self.proc_net(host, "ip_vs")
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{self.anchor[host]}/net/dev"):
                raise   # the namespace's anchor is gone: that is a lab failure, not an empty table
            return table
        for line in text.splitlines()[3:]:
            f = line.split()
            if f and f[0] in ("TCP", "UDP", "SCTP"):
                svc = hexaddr(f[1])
                table[svc] = {}
            elif f and f[0] == "->" and svc:
                table[svc][hexaddr(f[1])] = int(f[3])
        return table

    def ipvs_conns(self, host):
        """The namespace's total IPVS connections scheduled (/proc/net/ip_vs_stats)."""
        return int(self.proc_net(host, "ip_vs_stats").splitlines()[2].split()[0], 16)

    def tx_bytes(self, host, dev="eth0"):
        for line in self.proc_net(host, "dev").splitlines():
            name, _, rest = line.partition(":")
            if name.strip() == dev:
                return int(rest.split()[8])
        raise KeyError(dev)

    def has_vip(self, host):
        """The VIP is a local address of the namespace (fib_trie's local table: no process start)."""
        lines = self.proc_net(host, "fib_trie").splitlines()
        for i, line in enumerate(lines):
            if line.strip() == f"|-- {VIP}":
                for nxt in lines[i + 1:i + 4]:
                    if "/32 host LOCAL" in nxt:
                        return True
        return False

    def router_mac(self):
        for line in self.proc_net("rtr", "arp").splitlines()[1:]:
            f = line.split()
            if f[0] == VIP and f[2] != "0x0":
                return f[3]
        return None

    def master(self):
        """'lb1'/'lb2' when exactly that director holds the VIP and the router's neighbour entry is its MAC."""
        holders = [h for h in ("lb1", "lb2") if self.has_vip(h)]
        if len(holders) == 1 and self.router_mac() == self.mac[holders[0]]:
            return holders[0]
        return None

    def cli(self, host, *args, timeout=600):
        p = subprocess.run(["ip", "netns", "exec", self.ns(host), self.bin, *args, "--config", self.config[host]],
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).strip()

    def has_vip6(self, host):
        """The IPv6 VIP is on the namespace's eth0 (/proc/net/if_inet6: no process start)."""
        return any(f[0] == VIP6_HEX and f[-1] == "eth0" for f in (l.split() for l in self.proc_net(host, "if_inet6").splitlines()))

    def router_mac6(self):
        """The router's neighbour entry for the IPv6 VIP (there is no /proc file for it: one `ip` run)."""
        f = sh("ip", "-n", self.lan.router, "-6", "neigh", "show", VIP6, "dev", "br0").split()
        return f[f.index("lladdr") + 1] if "lladdr" in f and "FAILED" not in f else None

    def master6(self):
        """As master() for the IPv6 VIP: one holder and the router's neighbour entry on its MAC (the NA moved it)."""
        holders = [h for h in ("lb1", "lb2") if self.has_vip6(h)]
        if len(holders) == 1 and self.router_mac6() == self.mac[holders[0]]:
            return holders[0]
        return None

    def stream(self, family=4):
        """[(sent, done, ok, who, client port)] of the steady client stream over IPv4 or IPv6 so far."""
        rows = []
        with open(os.path.join(self.dir, "stream.log" if family == 4 else "stream6.log")) as f:
            for line in f:
                p = line.split()
                if len(p) == 5:
                    rows.append((float(p[0]), float(p[1]), p[2] == "1", p[3], int(p[4])))
        return rows

    def trace_failures(self, t0, t1, since, families=(4, 6)):
        """Notes, for each failed stream request sent in [t0, t1], what each director's IPVS knows of its client port
        (/proc/net/ip_vs_conn: an entry lives for its state's timeout, e.g. 60 s in SYN_RECV): where it went, or
        that it never reached IPVS there. The file shows an IPv4 address in hex, an IPv6 one written out in full."""
        for family in families:
            client = CLIENT_HEX if family == 4 else CLIENT6_FULL
            for sent, done, ok, who, port in self.stream(family):
                if ok or not t0 <= sent <= t1:
                    continue
                seen = []
                for host in ("lb1", "lb2"):
                    try:
                        lines = self.proc_net(host, "ip_vs_conn").splitlines()[1:]
                    except OSError as e:
                        seen.append(f"{host}: {e}")
                        continue
                    for line in lines:
                        f = line.split()
                        if len(f) >= 8 and f[0] == "TCP" and f[1] == client and int(f[2], 16) == port:
                            to = (f"[{ipaddress.IPv6Address(f[5])}]:{int(f[6], 16)}" if family == 6
                                  else hexaddr(f[5] + ':' + f[6]))
                            seen.append(f"{host}: -> {to} {f[7]} expires {f[8]} s")
                self.note(f"failed {'IPv4' if family == 4 else 'IPv6'} request: sent {sent - since:+.3f} s, {who} after "
                          f"{done - sent:.3f} s, client port {port}; IPVS entries: {'; '.join(seen) or 'none on either director'}")

    def stream_after(self, t, n, timeout=120, what="stream requests", family=4):
        """Waits for n answered stream requests sent after t."""
        return wait(lambda: len([r for r in self.stream(family) if r[0] >= t and r[2]]) >= n, timeout,
                    f"{n} answered {what}{'' if family == 4 else ' (IPv6)'} after the event", poll=0.1)

    def both_after(self, t, n, timeout=300, what="stream requests"):
        """Waits for n answered requests after t in each family's stream."""
        self.stream_after(t, n, timeout, what)
        self.stream_after(t, n, timeout, what, family=6)

    def windows(self, t0, t1):
        """{'ipv4': window, 'ipv6': window} of both streams."""
        return {"ipv4": self.stream_window(t0, t1), "ipv6": self.stream_window(t0, t1, 6)}

    @staticmethod
    def per_family(ws):
        return "; ".join(f"{fam}: {w['failed']} failed of {w['requests']}, longest gap {w['gap_s']} s" for fam, w in ws.items())

    def stream_window(self, t0, t1, family=4):
        stream = self.stream(family)
        rows = [r for r in stream if t0 <= r[0] <= t1]
        ok_done = sorted(r[1] for r in stream if r[2] and t0 - 1 <= r[1] <= t1)
        gaps = [b - a for a, b in zip(ok_done, ok_done[1:])]
        return {"requests": len(rows), "failed": sum(1 for r in rows if not r[2]),
                "errors": sorted({r[3] for r in rows if not r[2]}),
                "gap_s": round(max(gaps), 3) if gaps else None,
                "typical_s": round(sorted(gaps)[len(gaps) // 2], 3) if gaps else None}

    # ---------- the client-port trace (docs/lab.md: a VIP move's lost SYN) ----------------------------------
    def start_trace(self):
        """On the router's LAN bridge, every client segment to a VIP with the director MAC it went to, and every GARP and
        unsolicited neighbour advert; in each director, `ip -ts monitor address` (the kernel's moment of each VIP change)."""
        if "trace" in self.procs:
            return
        cap = os.path.join(self.dir, "trace-rtr.txt")
        self.spawn("trace", "rtr", ["tcpdump", "-i", "br0", "-e", "-tt", "-n", "-l",
                                    f"(tcp dst port 80 and (dst host {VIP} or dst host {VIP6})) or arp "
                                    f"or (icmp6 and ip6[40] == 136)"], cap)
        wait(lambda: "listening on" in open(cap).read(), 120, "tcpdump on the router's bridge to start", poll=0.1)
        for h in ("lb1", "lb2"):
            self.spawn(f"addr-{h}", h, ["ip", "-ts", "monitor", "address"], os.path.join(self.dir, f"addr-{h}.txt"))

    def vip_changes(self):
        """[(t, director, 'added'|'removed', address)] from each director's address monitor (the kernel's order)."""
        out = []
        for h in ("lb1", "lb2"):
            path = os.path.join(self.dir, f"addr-{h}.txt")
            if not os.path.exists(path):
                continue
            for line in open(path):
                m = ADDR.match(line)
                if m and m.group(3) in (VIP, VIP6):
                    t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
                    out.append((t, h, "removed" if m.group(2) else "added", m.group(3)))
        return sorted(out)

    def packets(self):
        """Client segments to a VIP: [(t, family, port, flags, director)]; announcements: [(t, family, director)]."""
        who = {mac: h for h, mac in self.mac.items()}
        segs, ann = [], []
        path = os.path.join(self.dir, "trace-rtr.txt")
        for line in open(path, errors="replace"):
            m = PACKET.match(line.strip())
            if not m:
                continue
            t, src, dst, kind, rest = float(m.group(1)), m.group(2), m.group(3), m.group(4), m.group(5)
            s = SEGMENT.match(rest)
            if s:
                # Only the router's copy to a director: the bridge also sees the director's DR copy to a real server.
                if dst in who:
                    segs.append((t, 6 if kind == "IPv6" else 4, int(s.group(2)), s.group(4), who[dst]))
                continue
            g = GARP.match(rest)
            if g and (g.group(1) == g.group(2) == VIP or g.group(3) == VIP):
                ann.append((t, 4, who.get(src, src)))
                continue
            n = NA.search(rest)
            if n and n.group(1) == VIP6:
                ann.append((t, 6, who.get(src, src)))
        return segs, ann

    def trace(self, fam, t0, t1, segs, times, ann, changes):
        """Every client port of this window that retransmitted its SYN or whose request failed, with its story."""
        failed = {r[4]: r for r in self.stream(fam) if t0 <= r[0] <= t1 and not r[2]}
        by_port = {}
        for t, f, port, flags, where in segs[bisect.bisect_left(times, t0 - 1):bisect.bisect_right(times, t1 + 6)]:
            if f == fam:
                by_port.setdefault(port, []).append((t, flags, where))
        out = []
        for port, pkts in sorted(by_port.items()):
            syns = [(t, w) for t, fl, w in pkts if fl == "S"]
            if not syns or syns[0][0] > t1:
                continue
            ack = next(((t, w) for t, fl, w in pkts if fl != "S" and t > syns[0][0]), None)
            if ack:
                # A SYN after the handshake's ACK is a new connection on a reused client port, not a retransmission.
                syns = [(t, w) for t, w in syns if t < ack[0]]
            if len(syns) < 2 and port not in failed:
                continue
            lo, hi = syns[0][0] - 1.5, (ack or syns[-1])[0] + 0.5
            out.append({
                "port": port, "syns": len(syns), "failed": port in failed,
                "error": failed[port][3] if port in failed else None,
                "syn": [f"{t - t0:+.3f} {w}" for t, w in syns],
                "ack": f"{ack[0] - t0:+.3f} {ack[1]}" if ack else None,
                "announcements": [f"{t - t0:+.3f} {w}" for t, f, w in ann if f == fam and lo <= t <= hi],
                "vip": [f"{t - t0:+.3f} {h} {what}" for t, h, what, addr in changes
                        if (addr == VIP) == (fam == 4) and lo <= t <= hi],
            })
        return out

    def move_trace(self, key, t0, t1):
        """Notes the story of every SYN retransmitted or request failed around a VIP move, per family (seconds after the
        move's start), and keeps the count with the step's figures. A report, not a verdict."""
        segs, ann = self.packets()
        times, changes = [x[0] for x in segs], self.vip_changes()
        for fam in (4, 6):
            traces = self.trace(fam, t0, t1, segs, times, ann, changes)
            name = key if fam == 4 else f"{key}_ipv6"
            if name in self.figures:
                self.figures[name]["syn_retransmissions"] = sum(1 for tr in traces if tr["syns"] > 1)
                self.figures[name]["traces"] = traces
            for tr in traces:
                self.note(f"IPv{fam} port {tr['port']}: {'FAILED (' + tr['error'] + ') ' if tr['failed'] else ''}"
                          f"SYN {', '.join(tr['syn'])}; first ACK {tr['ack']}; announcements "
                          f"{', '.join(tr['announcements']) or '-'}; VIP {', '.join(tr['vip']) or '-'}")

    # ---------- narration ------------------------------------------------------------------------------
    def step(self, title, fn):
        say(f"\n== {title}")
        t = time.time()
        try:
            detail, ok = fn(), True
        except Exception as e:  # a failed step is a verdict, not a crash of the lab
            detail, ok = f"{type(e).__name__}: {e}", False
        took = time.time() - t
        say(f"   {'PASS' if ok else 'FAIL'}  {detail}  ({took:.1f} s)")
        self.results.append((title, ok, str(detail), took))
        return ok

    def note(self, text):
        say("   " + text)

    # ---------- the cluster ----------------------------------------------------------------------------
    def director_config(self, host):
        """deploy/examples/<host>.yaml with the lab's addresses and faster timers."""
        text = open(os.path.join(ROOT, "deploy", "examples", f"{host}.yaml")).read()
        subs = [("10.19.166.88", VIP), ("10.19.166.119", HOSTS["rs1"]), ("10.19.166.84", HOSTS["rs2"]),
                ("advertInterval: 1s", f"advertInterval: {self.a.advert}"),
                ("interval: 2s", f"interval: {HC['interval'] * 1000:.0f}ms"),
                ("timeout: 1s", f"timeout: {HC['timeout'] * 1000:.0f}ms"),
                ("rise: 2", f"rise: {HC['rise']}"), ("fall: 3", f"fall: {HC['fall']}"),
                ("socket: /run/hadirector/control.sock", f"socket: {self.dir}/{host}.sock")]
        if IN_VM:
            # Real-time VRRP threads starve the emulated VM's two vCPUs while they JIT (DESIGN.md §6).
            subs.append(("vrrp:\n  instances:", "vrrp:\n  realtimePriority: 0\n  instances:"))
        for old, new in subs:
            if old not in text:
                raise RuntimeError(f"deploy/examples/{host}.yaml no longer contains '{old}': update deploy/lab/scenario.py")
            text = text.replace(old, new)
        text = self.dual_stack(text, host)
        path = os.path.join(self.dir, f"{host}.yaml")
        with open(path, "w") as f:
            f.write(f"# Generated by deploy/lab from deploy/examples/{host}.yaml\n" + text)
        return path

    @staticmethod
    def dual_stack(text, host):
        """The IPv6 half of the service: an IPv6 VRRP instance in a sync group with the IPv4 one (master together or
        not at all), and the virtual server again on the IPv6 VIP with the real servers' IPv6 addresses."""
        vrrp_end = text.index("\n\nvirtualServers:")
        instance = text[text.index("    - name: web\n"):vrrp_end]
        instance6 = (instance.replace("- name: web\n", "- name: web6\n").replace(f"[{VIP}/32]", f"[{VIP6}/128]")
                     .replace("# empty: multicast to 224.0.0.18", "# empty: multicast to ff02::12"))
        if instance6 == instance or VIP6 not in instance6:
            raise RuntimeError(f"deploy/examples/{host}.yaml: the instance 'web' is not as deploy/lab/scenario.py expects")
        text = (text[:vrrp_end] + "\n" + instance6.rstrip("\n")
                + "\n  syncGroups:\n    - { name: web, instances: [web, web6] }" + text[vrrp_end:])
        services_end = text.index("\nmetrics:")
        service = text[text.index("  - name: web\n    vip:"):services_end].rstrip("\n") + "\n"
        service6 = service.replace("- name: web\n", "- name: web6\n").replace(f"vip: {VIP}\n", f"vip: {VIP6}\n")
        for rs in ("rs1", "rs2"):
            service6 = service6.replace(f"address: {HOSTS[rs]},", f"address: {HOSTS6[rs]},")
        if VIP6 not in service6 or HOSTS6["rs1"] not in service6:
            raise RuntimeError(f"deploy/examples/{host}.yaml: the virtual server 'web' is not as deploy/lab/scenario.py expects")
        return text[:services_end].rstrip("\n") + "\n" + service6 + text[services_end:]

    def start_director(self, host):
        return self.spawn(host, host, [self.bin, "run", "--config", self.config[host]])

    def build(self):
        say(f"""lab: the seed's LVS-DR cluster, addresses mapped into 198.18.0.0/15 (namespaces {TAG}-*):
       client {CLIENT} ({TAG}-client) -> router 198.18.1.1 | 198.18.0.1 ({TAG}-rtr, bridge br0 = the LAN)
       directors lb1 {HOSTS['lb1']} (priority 150) and lb2 {HOSTS['lb2']} (priority 100), VRRPv3 every {self.a.advert}
       VIP {VIP}:80, wlc, DR -> rs1 {HOSTS['rs1']} (weight 2), rs2 {HOSTS['rs2']} (weight 1)
       dual-stack: VIP [{VIP6}]:80 (instance web6, VRRPv3 over IPv6, sync group with web) -> rs1 {HOSTS6['rs1']}, rs2 {HOSTS6['rs2']};
       client {CLIENT} and 2001:2:1::2, router 2001:2::1 | 2001:2:1::1
       health check: http GET / every {HC['interval']:g}s, timeout {HC['timeout']:g}s, rise {HC['rise']}, fall {HC['fall']}
       {'inside the test VM (Debian kernel, TCG emulation: everything runs several times slower)' if IN_VM else 'in this kernel'}; work files in {self.dir}""")
        for n in [f"{TAG}-rtr", f"{TAG}-client"] + [f"{TAG}-{h}" for h in HOSTS]:
            if os.path.exists(f"/run/netns/{n}"):
                raise RuntimeError(f"namespace {n} exists (a lab left running with --keep?): tear it down first")
        self.lan = Lan(TAG, HOSTS, gateway=True, hosts6=HOSTS6)
        self.lan.add_client()
        for h in list(HOSTS) + ["client", "rtr"]:
            self.anchor[h] = self.spawn(f"anchor-{h}", h, ["sleep", "infinity"], os.devnull).pid
        self.mac = {h: self.lan.mac(h) for h in ("lb1", "lb2")}
        self.config = {h: self.director_config(h) for h in ("lb1", "lb2")}
        for rs in ("rs1", "rs2"):
            www = os.path.join(self.dir, "www", rs)
            os.makedirs(www)
            with open(os.path.join(www, "index.html"), "w") as f:
                f.write(f"{rs}\n")
            with open(os.path.join(www, "blob"), "w") as f:   # a 16 KiB page: replies far larger than requests
                f.write((f"{rs} " * 4096)[:16383] + "\n")

    def realservers_up(self):
        ps = {rs: subprocess.Popen(["ip", "netns", "exec", self.ns(rs), self.bin, "realserver", "up", "--vip", VIP, "--vip", VIP6,
                                    "--state-dir", os.path.join(self.dir, f"{rs}-state")],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for rs in ("rs1", "rs2")}
        for rs, p in ps.items():
            out, _ = p.communicate(timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"realserver up in {rs} exited {p.returncode}: {out.strip()}")
            for line in out.strip().splitlines()[:6]:
                self.note(f"{rs}$ {line}")
        facts = []
        for rs in ("rs1", "rs2"):
            lo = sh("ip", "-n", self.ns(rs), "-o", "-4", "addr", "show", "dev", "lo")
            if f"{VIP}/32" not in lo:
                raise RuntimeError(f"{VIP}/32 is not on {rs}'s lo")
            lo6 = sh("ip", "-n", self.ns(rs), "-o", "-6", "addr", "show", "dev", "lo")
            if f"{VIP6}/128" not in lo6:
                raise RuntimeError(f"{VIP6}/128 is not on {rs}'s lo")
            vals = sh("ip", "netns", "exec", self.ns(rs), "sysctl", "-n", "net.ipv4.conf.all.arp_ignore",
                      "net.ipv4.conf.all.arp_announce", "net.ipv4.conf.lo.arp_ignore", "net.ipv4.conf.lo.arp_announce").split()
            if vals != ["1", "2", "1", "2"]:
                raise RuntimeError(f"{rs}: arp_ignore/arp_announce (all, lo) = {vals}, expected 1 2 1 2")
            facts.append(rs)
        for rs in ("rs1", "rs2"):
            self.start_http(rs)
        return (f"{', '.join(facts)}: {VIP}/32 and {VIP6}/128 on lo, arp_ignore=1 and arp_announce=2 on all and lo; "
                f"HTTP on :80 (both families) names the server")

    def start_http(self, rs):
        self.spawn(f"http-{rs}", rs, ["python3", "-m", "http.server", "80", "--bind", "::",
                                      "--directory", os.path.join(self.dir, "www", rs)])

    # ---------- the steps ------------------------------------------------------------------------------
    def election(self):
        t0 = time.time()
        self.start_director("lb1")
        self.start_director("lb2")
        # Under emulation the two .NET processes start tens of seconds apart: if lb2 is up first it becomes
        # master, and lb1 (priority 150, preempt) must take over once it runs. Converging on lb1 is the verdict.
        seen = set()

        def lb1_master():
            who = self.master()
            seen.add(who)
            return who == "lb1"
        wait(lb1_master, 600, "lb1 (priority 150) to hold the VIP alone with the router pointing at it", poll=0.1)
        # The router has no neighbour entry for the IPv6 VIP before traffic (an unsolicited NA only updates one).
        wait(lambda: self.has_vip6("lb1") and not self.has_vip6("lb2"), 120, f"lb1 to hold {VIP6} alone (sync group)", poll=0.1)
        if "lb2" in seen:
            self.note("lb2 started first and was master until lb1 came up and preempted it")
        # the backup must stay backup for a while: no VIP on lb2 for 10 adverts
        end = time.time() + 10 * self.advert_s
        while time.time() < end:
            if self.has_vip("lb2") or self.has_vip6("lb2"):
                raise RuntimeError("lb2 holds a VIP too (split brain)")
            time.sleep(0.02)
        return (f"lb1 is master {time.time() - t0:.1f} s after both started; {VIP} and {VIP6} on lb1 only; router's neighbour "
                f"entry for {VIP} = lb1's MAC {self.mac['lb1']} (lb2: {self.mac['lb2']})")

    def table_complete(self, host="lb1", family=4):
        """lb1's IPVS service on the family's VIP lists rs1 (weight 2) and rs2 (weight 1)."""
        want = {dest(rs, family): w for rs, w in WEIGHT.items()}
        return self.ipvs(host).get(svc(family)) == want

    def tables_complete(self, host="lb1"):
        return self.table_complete(host, 4) and self.table_complete(host, 6)

    def distribution(self, family=4, attempts=3):
        """300 requests, each on a new connection, through the family's VIP: about 2:1 and none failed. A burst during
        which lb1's table lost a real server (a health check that timed out in a stalled emulated VM: the table is
        polled throughout) proves nothing about the split, so it is run again, up to `attempts` times, and the flap is
        reported; a burst with the table complete all along is judged as it is."""
        for attempt in range(1, attempts + 1):
            r, flaps = self.burst(family)
            n1, n2 = r["servers"].get("rs1", 0), r["servers"].get("rs2", 0)
            share = n1 / max(1, n1 + n2)
            bad = r["failed"] or not 0.58 <= share <= 0.75
            if not flaps:
                break
            self.note(f"attempt {attempt}: lb1's table lost a real server during the burst ({flaps[0]}; "
                      f"{len(flaps)} polls in all): {'run again' if attempt < attempts else 'no attempt left'}")
            if attempt < attempts:
                wait(lambda: self.table_complete(family=family), 300, f"lb1's IPVS service {svc(family)} complete again", poll=0.1)
        self.figures["burst" if family == 4 else "burst_ipv6"] = dict(r, attempts=attempt)
        if flaps:
            raise RuntimeError(f"lb1's table was incomplete during each of {attempts} bursts (health checks flapping); "
                               f"last: rs1 {n1} : rs2 {n2}, {r['failed']} failed")
        if bad:
            raise RuntimeError(f"rs1 {n1} : rs2 {n2} ({share:.0%} on rs1), {r['failed']} failed; expected about 2:1 (67%) and none failed")
        return (f"rs1 {n1} : rs2 {n2} = {n1 / max(1, n2):.2f} : 1 (weights 2 : 1), 0 failed"
                + (f" (attempt {attempt}: the earlier ones met a health-check flap)" if attempt > 1 else ""))

    def burst(self, family):
        """One burst of 300 requests with a capture on lb1's eth0 (direct_return judges it): (the client's result, the
        moments lb1's table was incomplete while it ran)."""
        wait(lambda: self.table_complete(family=family), 300,
             f"lb1's IPVS service {svc(family)} to list rs1 (weight 2) and rs2 (weight 1): both healthy", poll=0.1)
        self.note(f"lb1's IPVS table: {self.ipvs('lb1')}")
        vip = VIP if family == 4 else VIP6
        cap = os.path.join(self.dir, f"tcpdump-lb1{'' if family == 4 else '-ipv6'}.txt")
        name = f"tcpdump{family}"
        open(cap, "w").close()
        self.spawn(name, "lb1", ["tcpdump", "-i", "eth0", "-n", "-l", "-q", "tcp", "and", "host", vip], cap)
        wait(lambda: "listening on" in open(cap).read(), 120, "tcpdump in lb1 to start", poll=0.1)
        before = {h: self.tx_bytes(h) for h in ("lb1", "rs1", "rs2")}
        client = ["ip", "netns", "exec", self.ns("client"), "python3", os.path.join(HERE, "client.py"), "burst"]
        p = subprocess.Popen(client + [f"{url(family)}blob", "300", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        flaps, end = [], time.time() + 1200
        while p.poll() is None and time.time() < end:
            if not self.table_complete(family=family):
                flaps.append(f"{time.strftime('%H:%M:%S')}: {self.ipvs('lb1').get(svc(family))}")
            time.sleep(0.1)
        out, err = p.communicate(timeout=max(1, end - time.time()))
        after = {h: self.tx_bytes(h) for h in ("lb1", "rs1", "rs2")}
        # A last connection to port 81 (lb1 resets it): tcpdump prints in order, so once it shows, every packet of the
        # burst before it is in the file. No fixed wait for a slow VM to guess at.
        marker = (f"http://{VIP}:81/" if family == 4 else f"http://[{VIP6}]:81/")
        subprocess.run(client + [marker, "1", "5"], capture_output=True, text=True, timeout=600)
        wait(lambda: f"> {vip}.81:" in open(cap).read(), 120, "tcpdump in lb1 to print the marker after the burst", poll=0.1)
        self.kill(name, signal.SIGINT)
        if p.returncode != 0:
            raise RuntimeError(f"client exited {p.returncode}: {err.strip()}")
        r = json.loads(out)
        self.note(f"client: 300 requests to {url(family)}blob in {r['seconds']:.1f} s: rs1 {r['servers'].get('rs1', 0)}, "
                  f"rs2 {r['servers'].get('rs2', 0)}, failed {r['failed']} {r['errors'] or ''}")
        self.dr[family] = {"lines": open(cap).read().splitlines(), "tx": {h: after[h] - before[h] for h in after},
                           "bytes": r["bytes"]}
        return r, flaps

    def direct_return(self, family=4):
        dr = self.dr[family]
        lines, vip = dr["lines"], VIP if family == 4 else VIP6
        to_vip = sum(1 for l in lines if re.search(rf" > {re.escape(vip)}\.80:", l))
        from_vip = sum(1 for l in lines if re.search(rf" {re.escape(vip)}\.80 > ", l))
        tx = dr["tx"]
        self.note(f"tcpdump on lb1 eth0 during the 300 requests: {to_vip} packets to {vip}.80 (in and forwarded), "
                  f"{from_vip} from it")
        self.note(f"bytes sent: lb1 eth0 {tx['lb1']:,}, rs1 {tx['rs1']:,} + rs2 {tx['rs2']:,}; the client received {dr['bytes']:,}")
        if to_vip == 0:
            raise RuntimeError("the capture saw no requests at all (tcpdump not working?)")
        if from_vip:
            raise RuntimeError(f"{from_vip} reply packets from the VIP left lb1")
        if tx["lb1"] >= dr["bytes"] / 4 or tx["rs1"] + tx["rs2"] < dr["bytes"]:
            raise RuntimeError("lb1 sent as much as a reply path would need, or the real servers sent less than the replies")
        self.figures["direct_return" if family == 4 else "direct_return_ipv6"] = {
            "to_vip_packets": to_vip, "from_vip_packets": from_vip, "lb1_share_of_reply_bytes": round(tx["lb1"] / dr["bytes"], 4)}
        return (f"no packet from {vip} on lb1; lb1 sent {tx['lb1'] / dr['bytes']:.1%} of the reply bytes "
                f"(forwarded requests and adverts), the real servers sent them straight to the client")

    def start_stream(self):
        self.start_trace()
        self.spawn("stream", "client", ["python3", os.path.join(HERE, "client.py"), "stream", f"http://{VIP}/",
                                        str(STREAM_TIMEOUT), "0.05"], os.path.join(self.dir, "stream.log"))
        self.spawn("stream6", "client", ["python3", os.path.join(HERE, "client.py"), "stream", f"http://[{VIP6}]/",
                                         str(STREAM_TIMEOUT), "0.05"], os.path.join(self.dir, "stream6.log"))
        self.both_after(0, 5, 300, "requests of the steady stream")
        wait(lambda: self.master6() == "lb1", 60, "the router's neighbour entry for the IPv6 VIP = lb1's MAC")
        rows = self.stream()
        self.note(f"steady streams from the client, one to {VIP} and one to [{VIP6}]: a new connection per request, "
                  f"{STREAM_TIMEOUT:g} s timeout (~{(rows[-1][1] - rows[0][0]) / len(rows):.2f} s per request here)")

    def health_down(self):
        """rs1's HTTP server (one process for both families) is killed: rs1 must leave both services within the bound,
        and afterwards each family's stream must be answered by rs2 alone, with none failing."""
        bound = HC["fall"] * HC["interval"] + HC["timeout"]
        t0 = time.time()
        self.kill("http-rs1", signal.SIGKILL)
        took = {}

        def removed():
            table = self.ipvs("lb1")
            for family in (4, 6):
                if family not in took and dest("rs1", family) not in table.get(svc(family), {dest("rs1", family): 0}):
                    took[family] = time.time() - t0
            return len(took) == 2
        wait(removed, 60, "lb1 to remove rs1 from both services")
        self.figures["health_removal_s"] = round(took[4], 3)
        self.figures["health_removal_s_ipv6"] = round(took[6], 3)
        self.note(f"rs1 left lb1's IPVS table {took[4]:.2f} s (IPv4) and {took[6]:.2f} s (IPv6) after its HTTP server was "
                  f"killed: {self.ipvs('lb1')}")
        gone = t0 + max(took.values())
        self.both_after(gone, 20, 300)
        problems, results = [], []
        for family, name in ((4, "IPv4"), (6, "IPv6")):
            before = self.stream_window(t0, t0 + took[family], family)
            after = [r for r in self.stream(family) if r[0] >= t0 + took[family]]
            failed = [r for r in after if not r[2]]
            who = sorted({r[3] for r in after if r[2]})
            self.note(f"{name} stream: {before['failed']} of {before['requests']} requests failed before the removal (sent to "
                      f"the dead rs1); after it {len(after)} requests, {len(failed)} failed, answered by {who}")
            if took[family] > bound + SLACK:
                problems.append(f"{name}: removed after {took[family]:.2f} s, bound fall x interval + timeout = {bound:g} s "
                                f"(+{SLACK:g} s slack)")
            if failed or who != ["rs2"]:
                problems.append(f"{name}: after the removal {len(failed)} failed, answered by {who}")
            self.trace_failures(t0 + took[family], time.time(), t0 + took[family], families=(family,))
            results.append(f"{name}: removed {took[family]:.2f} s after the kill, {len(after)} requests after it, "
                           f"all on rs2, {len(failed)} failed")
        if problems:
            raise RuntimeError("; ".join(problems))
        return f"bound fall x interval + timeout = {bound:g} s; " + "; ".join(results)

    def health_up(self):
        if self.table_complete(family=4) or self.table_complete(family=6):
            raise RuntimeError("rs1 was never removed, so there is nothing to restore")
        t0 = time.time()
        self.start_http("rs1")
        took = {}

        def back():
            for family in (4, 6):
                if family not in took and self.table_complete(family=family):
                    took[family] = time.time() - t0
            return len(took) == 2
        wait(back, 300, "rs1 back in both of lb1's services with weight 2")
        results = []
        for family, name in ((4, "IPv4"), (6, "IPv6")):
            self.stream_after(t0 + took[family], 1, 300, family=family)
            wait(lambda: any(r[3] == "rs1" for r in self.stream(family) if r[0] >= t0 + took[family]), 120,
                 f"rs1 to answer the {name} stream again")
            w = self.stream_window(t0, time.time(), family)
            results.append(f"{name}: back {took[family]:.2f} s after the restart, the stream reaches it again, {w['failed']} failed "
                           f"meanwhile")
        self.figures["health_return_s"] = round(took[4], 3)
        self.figures["health_return_s_ipv6"] = round(took[6], 3)
        return (f"rs1 back with weight 2 (rise {HC['rise']} x {HC['interval']:g} s + the server's start); "
                + "; ".join(results))

    def crash(self):
        conns0 = self.ipvs_conns("lb2")
        t0 = time.time()
        self.kill("lb1", signal.SIGKILL)
        wait(lambda: self.has_vip("lb2"), 120, "lb2 to add the VIP")
        t_vip = time.time()
        wait(lambda: self.router_mac() == self.mac["lb2"], 60, "the router to move to lb2's MAC")
        t_arp = time.time()
        # lb1's kernel keeps its VIPs after kill -9: the router's entry is the verdict, as for IPv4.
        wait(lambda: self.has_vip6("lb2") and self.router_mac6() == self.mac["lb2"], 60,
             "the IPv6 VIP on lb2 and the router's entry on its MAC (its NA)", poll=0.1)
        t_na = time.time()
        self.both_after(t_arp + 1, 20, 300, "stream requests")
        ws = self.windows(t0, time.time())
        w = ws["ipv4"]
        served = self.ipvs_conns("lb2") - conns0
        self.trace_failures(t0, time.time(), t0)
        self.figures["kill9"] = dict(w, takeover_s=round(t_vip - t0, 3), router_s=round(t_arp - t0, 3))
        self.figures["kill9_ipv6"] = dict(ws["ipv6"], router_s=round(t_na - t0, 3))
        self.move_trace("kill9", t0, time.time())
        self.note(f"lb2 added the VIP {t_vip - t0:.3f} s after kill -9, the router followed its GARP at {t_arp - t0:.3f} s "
                  f"(Master_Down_Interval = 3 x {self.a.advert} + skew)")
        self.note(f"stream around the crash: {w['requests']} requests, {w['failed']} failed {w['errors'] or ''}; "
                  f"longest gap between answers {w['gap_s']} s (typical {w['typical_s']} s)")
        self.note(f"IPv6: the router's entry for {VIP6} on lb2's MAC by {t_na - t0:.3f} s (polled with `ip -6 neigh`); "
                  f"stream: {ws['ipv6']['requests']} requests, {ws['ipv6']['failed']} failed {ws['ipv6']['errors'] or ''}; "
                  f"longest gap {ws['ipv6']['gap_s']} s (typical {ws['ipv6']['typical_s']} s)")
        self.note(f"(lb1's kernel keeps its VIP and IPVS table after kill -9, so it forwards until the router moves)")
        if served <= 0:
            raise RuntimeError("lb2's IPVS scheduled no connection after the takeover")
        return f"lb2 serves ({served} connections scheduled by it); {self.per_family(ws)}"

    def restart(self):
        t0 = time.time()
        self.start_director("lb1")
        wait(lambda: self.master() == "lb1", 600, "lb1 to take the master role back")
        took = time.time() - t0
        wait(lambda: self.master6() == "lb1", 120, "lb1 to hold the IPv6 VIP with the router on its MAC")
        wait(self.tables_complete, 120, "lb1's tables complete")
        self.both_after(time.time(), 10, 300)
        ws = self.windows(t0, time.time())
        self.figures["preempt_after_restart"] = ws["ipv4"]
        self.figures["preempt_after_restart_ipv6"] = ws["ipv6"]
        self.move_trace("preempt_after_restart", t0, time.time())
        self.trace_failures(t0, time.time(), t0)
        return (f"lb1 restarted, removed the VIPs its crash left behind and preempted {took:.1f} s later; "
                f"{self.per_family(ws)}")

    def failover(self):
        t0 = time.time()
        rc, out = self.cli("lb1", "failover")
        t1 = time.time()
        for line in out.splitlines():
            self.note(f"lb1$ hadirector failover: {line}")
        if rc != 0 or HOSTS["lb2"] not in out:
            raise RuntimeError(f"hadirector failover exited {rc}")
        if not all(f"{i}: handed over to" in out for i in ("web", "web6")):
            raise RuntimeError("hadirector failover did not hand over both instances of the sync group (web, web6)")
        wait(lambda: self.master() == "lb2", 60, "lb2 to be the only master with the router pointing at it")
        wait(lambda: self.master6() == "lb2", 60, "lb2 to hold the IPv6 VIP with the router on its MAC")
        self.both_after(time.time() + 1, 20, 300)
        ws = self.windows(t0, time.time())
        w = ws["ipv4"]
        self.figures["failover"] = w
        self.figures["failover_ipv6"] = ws["ipv6"]
        self.move_trace("failover", t0, time.time())
        self.trace_failures(t0, time.time(), t0)
        self.note(f"the command took {t1 - t0:.1f} s (mostly .NET starting{' under emulation' if IN_VM else ''}); "
                  f"stream: {w['requests']} requests, {w['failed']} failed {w['errors'] or ''}, longest gap {w['gap_s']} s "
                  f"(typical {w['typical_s']} s)")
        self.note(f"IPv6 stream: {ws['ipv6']['requests']} requests, {ws['ipv6']['failed']} failed {ws['ipv6']['errors'] or ''}, "
                  f"longest gap {ws['ipv6']['gap_s']} s (typical {ws['ipv6']['typical_s']} s)")
        if w["failed"] or ws["ipv6"]["failed"]:
            raise RuntimeError(f"requests failed during the handover: {self.per_family(ws)}")
        return f"handed over to lb2; {self.per_family(ws)}"

    def resume(self):
        t0 = time.time()
        rc, out = self.cli("lb1", "resume")
        for line in out.splitlines():
            self.note(f"lb1$ hadirector resume: {line}")
        if rc != 0:
            raise RuntimeError(f"hadirector resume exited {rc}")
        if not all(f"{i}: resumed" in out for i in ("web", "web6")):
            # The sync group's member used to be moved to backup by the group before the command looked at it: never
            # held, so "web6: not held; nothing to resume" (it followed web only through the group).
            raise RuntimeError("hadirector resume did not resume both instances of the sync group (web, web6)")
        wait(lambda: self.master() == "lb1", 120, "lb1 to preempt after resume")
        wait(lambda: self.master6() == "lb1", 120, "lb1 to hold the IPv6 VIP with the router on its MAC after resume")
        self.both_after(time.time() + 1, 10, 300)
        ws = self.windows(t0, time.time())
        self.figures["resume"] = ws["ipv4"]
        self.figures["resume_ipv6"] = ws["ipv6"]
        self.move_trace("resume", t0, time.time())
        self.trace_failures(t0, time.time(), t0)
        return f"lb1 is master again (preempt); {self.per_family(ws)}"

    def status_metrics(self):
        rc, out = self.cli("lb1", "status")
        for line in out.splitlines():
            self.note(f"lb1$ hadirector status | {line}")
        if rc != 0:
            raise RuntimeError(f"hadirector status exited {rc}")
        text = sh("ip", "netns", "exec", self.ns("lb1"), "curl", "-s", "--max-time", "30", "http://127.0.0.1:9810/metrics")
        want = ("hadirector_vrrp_state", "hadirector_vrrp_transitions_total", "hadirector_real_server_up",
                "hadirector_ipvs_backend_connections_total", "hadirector_ipvs_service_outgoing_packets_total")
        shown = [l for l in text.splitlines() if l.startswith(want)]
        self.note("lb1$ curl -s 127.0.0.1:9810/metrics  (excerpt)")
        for line in shown[:24]:
            self.note("  " + line)
        missing = [m for m in want if not any(l.startswith(m) for l in shown)]
        if missing:
            raise RuntimeError(f"metrics lack {missing}")
        return f"status lists the instance and the service; {len(text.splitlines())} metric lines, {len(shown)} shown"

    # ---------- run ------------------------------------------------------------------------------------
    def run(self):
        self.advert_s = float(self.a.advert.rstrip("ms")) / (1000 if self.a.advert.endswith("ms") else 1)
        t_start = time.time()
        try:
            self.build()
            ok = self.step("Real servers prepared by `hadirector realserver up`, serving HTTP", self.realservers_up)
            ok = ok and self.step("Election: one master, the VIP on it only, the router's neighbour entry = its MAC", self.election)
            if ok:
                self.step("300 requests through the VIP split about 2:1 (wlc, weights 2 and 1)", self.distribution)
                if 4 in self.dr:
                    self.step("Replies never pass the director (direct routing)", self.direct_return)
                self.step("IPv6: 300 requests through the IPv6 VIP split about 2:1", lambda: self.distribution(6))
                if 6 in self.dr:
                    self.step("IPv6: replies never pass the director (direct routing)", lambda: self.direct_return(6))
                self.start_stream()
                self.step("Health check: rs1's HTTP stopped -> removed from both services, both streams all on rs2", self.health_down)
                self.step("Health check: rs1's HTTP back -> added again to both services", self.health_up)
                self.step("kill -9 of the master under a steady request stream: the backup serves", self.crash)
                self.step("lb1 restarted: it cleans up and preempts", self.restart)
                self.step("`hadirector failover` under the stream: 0 failed requests", self.failover)
                self.step("`hadirector resume`: lb1 master again", self.resume)
                self.step("`hadirector status` and a metrics excerpt", self.status_metrics)
        except KeyboardInterrupt:
            say("\nlab: interrupted")
            self.results.append(("lab interrupted", False, "Ctrl-C or SIGTERM", 0.0))
        except Exception as e:
            say(f"\nlab: setup failed: {type(e).__name__}: {e}")
            self.results.append(("lab setup", False, f"{type(e).__name__}: {e}", time.time() - t_start))
        finally:
            self.kill("stream")
            self.kill("stream6")
            self.summary(time.time() - t_start)
            self.save()
            if self.a.keep and self.lan is not None and not IN_VM:
                self.keep_message()
            else:
                self.teardown()
        return all(ok for _, ok, _, _ in self.results) and bool(self.results)

    def summary(self, took):
        say(f"\n== Summary ({took:.0f} s{' in the TCG VM' if IN_VM else ''})")
        width = max((len(t) for t, *_ in self.results), default=0)
        for title, ok, _, secs in self.results:
            say(f"   {'PASS' if ok else 'FAIL'}  {title:<{width}}  {secs:6.1f} s")
        passed = sum(1 for _, ok, _, _ in self.results if ok)
        say(f"   {passed} passed, {len(self.results) - passed} failed")
        for k, fam in (("burst", "ipv4"), ("burst_ipv6", "ipv6")):
            if k in self.figures:
                b = self.figures[k]["servers"]
                say(f"   split_{fam}: rs1 {b.get('rs1', 0)} : rs2 {b.get('rs2', 0)}, {self.figures[k]['failed']} failed")
        for k, fam in (("health_removal_s", "ipv4"), ("health_removal_s_ipv6", "ipv6")):
            if k in self.figures:
                say(f"   health_{fam}: rs1 removed {self.figures[k]} s after its HTTP died, back "
                    f"{self.figures.get(k.replace('removal', 'return'), '?')} s after it restarted")
        # The ECMP lab (ecmp.py) shares this summary and its "kill9"/"failover" keys, but runs no VRRP: no --advert.
        setting = ", ".join(([f"VRRPv3 {self.a.advert}"] if hasattr(self.a, "advert") else []) + (["TCG VM"] if IN_VM else []))
        for k in ("kill9", "kill9_ipv6", "failover", "failover_ipv6", "resume", "resume_ipv6"):
            if k in self.figures:
                f = self.figures[k]
                say(f"   {k if k.endswith('_ipv6') else k + '_ipv4'}: longest gap {f['gap_s']} s, {f['failed']} failed of "
                    f"{f['requests']} requests, {f.get('syn_retransmissions', '?')} SYN retransmitted "
                    f"({setting})")
        self.figures["total_s"] = round(took, 1)

    def save(self):
        os.makedirs(self.a.results, exist_ok=True)
        with open(os.path.join(self.a.results, "lab-figures.json"), "w") as f:
            json.dump(self.figures, f, indent=2)
        logs = os.path.join(self.a.results, "lab-logs")
        os.makedirs(logs, exist_ok=True)
        for name in os.listdir(self.dir):
            if name.endswith((".log", ".yaml", ".txt")):
                shutil.copy(os.path.join(self.dir, name), logs)
        write_trx(os.path.join(self.a.results, "lab.trx"), self.results)

    def keep_message(self):
        say(f"""
The lab is still running (pids: {' '.join(str(p.pid) for p in self.procs.values() if p.poll() is None)}). Try:
  ip netns exec {TAG}-client curl http://{VIP}/                  # rs1 or rs2 answers
  ip netns exec {TAG}-client curl http://[{VIP6}]/               # the same over IPv6
  ip netns exec {TAG}-lb1 ipvsadm -Ln --stats
  ip netns exec {TAG}-lb1 {self.bin} status --config {self.config['lb1']}
  ip netns exec {TAG}-lb1 {self.bin} failover --config {self.config['lb1']}   # then: resume
  ip netns exec {TAG}-lb1 curl -s 127.0.0.1:9810/metrics | grep ^hadirector_
  ip -n {TAG}-rtr neigh show {VIP}                               # the router's view
Tear it down:
  kill {' '.join(str(p.pid) for p in self.procs.values() if p.poll() is None)}
  for n in {' '.join(self.ns(h) for h in list(HOSTS) + ['client', 'rtr'])}; do ip netns del $n; done; rm -rf {self.dir}""")

    def teardown(self):
        for name in list(self.procs):
            if not name.startswith("anchor-"):
                self.kill(name)
        for name in list(self.procs):
            self.kill(name, signal.SIGKILL)
        if self.lan is not None:
            self.lan.down()
        shutil.rmtree(self.dir, ignore_errors=True)


def write_trx(path, results):
    """A minimal TRX (what tests/summarize-trx.py counts): one test per verdict."""
    passed = sum(1 for _, ok, _, _ in results if ok)
    rows = "\n".join(
        f'    <UnitTestResult testName="lab: {escape(t, {chr(34): "&quot;"})}" outcome="{"Passed" if ok else "Failed"}" '
        f'duration="{time.strftime("%H:%M:%S", time.gmtime(s))}"><Output><StdOut>{escape(d)}</StdOut></Output></UnitTestResult>'
        for t, ok, d, s in results)
    with open(path, "w") as f:
        f.write(f"""<?xml version="1.0" encoding="utf-8"?>
<TestRun name="deploy/lab" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
  <Results>
{rows}
  </Results>
  <ResultSummary outcome="{"Completed" if passed == len(results) else "Failed"}">
    <Counters total="{len(results)}" executed="{len(results)}" passed="{passed}" failed="{len(results) - passed}" />
  </ResultSummary>
</TestRun>
""")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--advert", default="100ms", help="VRRPv3 advertInterval (e.g. 100ms, 1s)")
    ap.add_argument("--results", default=os.environ.get("HADIRECTOR_VM_RESULTS") or os.path.join(ROOT, "artifacts", "lab"))
    ap.add_argument("--bin", default=BIN)
    a = ap.parse_args()

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    sys.exit(0 if Lab(a).run() else 1)


if __name__ == "__main__":
    main()
