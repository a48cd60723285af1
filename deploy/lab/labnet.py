"""Shared pieces of the lab and the failover benchmark: a LAN in network namespaces, directors on it.

Topology: namespace <tag>-rtr holds bridge br0 (198.18.0.1/24, learns from gratuitous ARP like most routers);
each host namespace <tag>-<name> has eth0 on that bridge. Nothing is created in the root namespace.
"""
import os, signal, subprocess, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("HADIRECTOR_BIN") or os.path.join(ROOT, "src/Director/bin/Release/net10.0/hadirector")
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


class Lan:
    def __init__(self, tag, hosts):
        """hosts: {name: address}"""
        self.tag, self.hosts = tag, dict(hosts)
        self.router = f"{tag}-rtr"
        sh("ip", "netns", "add", self.router)
        sh("ip", "-n", self.router, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.router, "addr", "add", "198.18.0.1/24", "dev", "br0")
        sh("ip", "-n", self.router, "link", "set", "br0", "up")
        sh("ip", "netns", "exec", self.router, "sysctl", "-q", "-w", "net.ipv4.conf.br0.arp_accept=1")
        sh("ip", "netns", "exec", self.router, "sysctl", "-q", "-w", "net.ipv4.neigh.br0.locktime=0")
        for h, addr in self.hosts.items():
            ns = self.ns(h)
            sh("ip", "netns", "add", ns)
            sh("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "p-" + h, "netns", self.router)
            sh("ip", "-n", self.router, "link", "set", "p-" + h, "master", "br0")
            sh("ip", "-n", self.router, "link", "set", "p-" + h, "up")
            sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")

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
        for n in [self.ns(h) for h in self.hosts] + [self.router]:
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
