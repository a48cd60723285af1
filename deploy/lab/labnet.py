"""Shared pieces of the lab and the failover benchmark: a LAN in network namespaces, directors on it.

Topology: namespace <tag>-rtr holds bridge br0 (198.18.0.1/24, learns from gratuitous ARP like most routers);
each host namespace <tag>-<name> has eth0 on that bridge. add_client() puts a client network behind the
router (198.18.1.0/24, the router forwarding). With hosts6, the LAN is dual-stack: 2001:2::1/64 on br0 (RFC 5180's
benchmarking prefix, as 198.18.0.0/15 is for IPv4), each host its address in it, the client network 2001:2:1::/64;
IPv6 addresses are added with nodad (no duplicate address detection delay). Nothing is created in the root namespace: the root
namespace only holds each veth pair for the instant between its creation and its move.
Commands are batched (`ip -batch`): every process start costs 0.1-2 s in the TCG test VM.
"""
import os, signal, subprocess, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The binary as shipped: deploy/publish (Native AOT) into artifacts/publish-lab, unless HADIRECTOR_BIN names one.
BIN = os.environ.get("HADIRECTOR_BIN") or os.path.join(ROOT, "artifacts/publish-lab/hadirector")
VIP = "198.18.0.100"


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True).stdout


def wait(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.01)
    raise TimeoutError(what)


def build():
    if not os.path.exists(BIN):
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src/Director"), "-c", "Release", "-nologo", "-v", "q"], check=True)


def ip_batch(lines, ns=None):
    """Runs `ip` commands, one per line, in one process (in namespace ns when given)."""
    subprocess.run(["ip"] + (["-n", ns] if ns else []) + ["-batch", "-"], input="\n".join(lines) + "\n",
                   check=True, capture_output=True, text=True)


class Lan:
    def __init__(self, tag, hosts, gateway=False, hosts6=None):
        """hosts: {name: address}. gateway: give every host a default route via the router (198.18.0.1, and
        2001:2::1 with hosts6). hosts6: {name: IPv6 address} for a dual-stack LAN."""
        self.tag, self.hosts, self.hosts6 = tag, dict(hosts), dict(hosts6 or {})
        self.router = f"{tag}-rtr"
        self.clients = {}
        try:
            ip_batch([f"netns add {n}" for n in [self.router] + [self.ns(h) for h in self.hosts]])
            # No MLD querier here: with snooping on, the bridge would stop flooding ff02::12 (VRRP) and ff02::1 (NAs).
            ip_batch(["link add br0 type bridge" + (" mcast_snooping 0" if self.hosts6 else ""), "addr add 198.18.0.1/24 dev br0"]
                     + (["addr add 2001:2::1/64 dev br0 nodad"] if self.hosts6 else []) + ["link set br0 up", "link set lo up"],
                     self.router)
            # Create each pair directly in its two namespaces (never in the root namespace).
            ip_batch([f"link add eth0 netns {self.ns(h)} type veth peer name p-{h} netns {self.router}" for h in self.hosts])
            ip_batch([c for h in self.hosts for c in (f"link set p-{h} master br0", f"link set p-{h} up")], self.router)
            for h, addr in self.hosts.items():
                v6 = self.hosts6.get(h)
                ip_batch([f"addr add {addr}/24 dev eth0"] + ([f"addr add {v6}/64 dev eth0 nodad"] if v6 else [])
                         + ["link set eth0 up", "link set lo up"]
                         + (["route add default via 198.18.0.1"] if gateway else [])
                         + (["route add ::/0 via 2001:2::1"] if gateway and v6 else []), self.ns(h))
            sh("ip", "netns", "exec", self.router, "sysctl", "-q", "-w", "net.ipv4.conf.br0.arp_accept=1",
               "net.ipv4.neigh.br0.locktime=0", "net.ipv4.ip_forward=1")
            if self.hosts6:
                sh("ip", "netns", "exec", self.router, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1")
        except Exception:
            self.down()
            raise

    def add_client(self, name="client", addr="198.18.1.2", gw="198.18.1.1", addr6="2001:2:1::2", gw6="2001:2:1::1"):
        """A client namespace on its own network behind the router (the Internet side of the seed's picture); on a
        dual-stack LAN also 2001:2:1::/64."""
        ns = self.ns(name)
        self.clients[name] = addr
        ip_batch([f"netns add {ns}"])
        ip_batch([f"link add eth0 netns {ns} type veth peer name c-{name} netns {self.router}"])
        v6 = bool(self.hosts6)
        ip_batch([f"addr add {gw}/24 dev c-{name}"] + ([f"addr add {gw6}/64 dev c-{name} nodad"] if v6 else [])
                 + [f"link set c-{name} up"], self.router)
        ip_batch([f"addr add {addr}/24 dev eth0"] + ([f"addr add {addr6}/64 dev eth0 nodad"] if v6 else [])
                 + ["link set eth0 up", "link set lo up", f"route add default via {gw}"]
                 + ([f"route add ::/0 via {gw6}"] if v6 else []), ns)
        return ns

    def ns(self, host):
        return f"{self.tag}-{host}"

    def mac(self, host):
        out = sh("ip", "-n", self.ns(host), "-o", "link", "show", "eth0").split()
        return out[out.index("link/ether") + 1]

    def has_vip(self, host, vip=VIP):
        return (vip + "/") in sh("ip", "-n", self.ns(host), "-o", "-4", "addr", "show", "dev", "eth0")

    def router_mac_for(self, vip=VIP):
        f = sh("ip", "-n", self.router, "neigh", "show", vip, "dev", "br0").split()
        return f[f.index("lladdr") + 1] if "lladdr" in f else None

    def down(self):
        for n in [self.ns(h) for h in list(self.hosts) + list(self.clients)] + [self.router]:
            sh("ip", "netns", "del", n, check=False)


def director_yaml(path, prio, version, interval_s, sock, vip=VIP, metrics="\"\""):
    with open(path, "w") as f:
        f.write(f"""vrrp:
  instances:
    - name: web
      interface: eth0
      vrid: 51
      priority: {prio}
      version: {version}
      advertInterval: {int(round(interval_s * 1000))}ms
      virtualAddresses: [{vip}/32]
metrics: {{ listen: {metrics} }}
control: {{ socket: {sock} }}
""")
    return [BIN, "run", "--config", path]


def start_in(lan, host, cmd, log_path):
    log = open(log_path, "a")
    return subprocess.Popen(["ip", "netns", "exec", lan.ns(host)] + cmd, stdout=log, stderr=subprocess.STDOUT)


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
