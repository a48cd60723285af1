#!/usr/bin/env python3
"""
The package and its unit on a real systemd, inside the test VM booted with systemd as PID 1
(deploy/deb/test starts it; the VM is a throw-away machine, so this script installs packages and
configures its root network namespace). Each step is one verdict in deb.trx:

  the package's life cycle with dpkg: install (not enabled: the conffile is the commented example),
  --version, man -w, the completion, systemd-analyze verify; an upgrade keeps a modified conffile;
  remove keeps it; purge removes it;
  the unit: installed over an operator's configuration it is enabled and started (Type=notify), with
  the capabilities it grants: VRRP master, the VIP, IPVS, gratuitous ARP, a half-open health check and
  the two IPVS sysctls; reload with a good and with a bad file; stop (priority 0 sent, VIP removed,
  IPVS table left); a start that adopts the table with zero writes; systemd-analyze security.

Usage (in the VM): deploy/deb/vm-test.py --old OLD.deb --new NEW.deb --results DIR
"""
import argparse, json, os, re, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lab"))
from scenario import write_trx  # noqa: E402

CONF = "/etc/hadirector/hadirector.yaml"
BIN = "/usr/sbin/hadirector"
VIP = "198.18.0.100"
RS = "198.18.0.2"
BOUND = 60.0   # seconds; a TCG VM on a loaded host starts a process in up to 2 s

CONFIG = """# written by deploy/deb/vm-test.py
vrrp:
  instances:
    - name: web
      interface: hd0
      vrid: 51
      priority: 150
      version: 3
      advertInterval: 1s
      virtualAddresses: [198.18.0.100/32]
virtualServers:
  - name: web
    vip: 198.18.0.100
    port: 80
    protocol: tcp
    scheduler: wlc
    forwarding: dr
    healthCheck: { type: tcp, halfOpen: true, interval: 1s, timeout: 500ms, rise: 1, fall: 2 }
    realServers:
      - { address: 198.18.0.2, port: 80, weight: WEIGHT }
ipvs:
  syncDaemon: { interface: hd0, syncId: 51 }
"""


def sh(*cmd, check=False, timeout=600):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()} {r.stdout.strip()}")
    return r


def until(what, fn, bound=BOUND):
    end = time.monotonic() + bound
    last = None
    while time.monotonic() < end:
        try:
            last = fn()
            if last:
                return last
        except Exception as e:  # noqa: BLE001 - a condition that cannot be read yet is not met yet
            last = e
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {bound:.0f} s (last: {last})")


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


def status():
    return json.loads(sh(BIN, "status", "--json", check=True).stdout)


def ipvs_weight():
    out = sh("ipvsadm", "-Ln", "-t", f"{VIP}:80").stdout
    m = re.search(rf"->\s+{re.escape(RS)}:80\s+\w+\s+(\d+)", out)
    return int(m.group(1)) if m else None


def has_vip():
    return f" {VIP}/32 " in sh("ip", "-o", "-4", "addr", "show", "dev", "hd0").stdout + " "


def write_config(weight):
    with open(CONF, "w") as f:
        f.write(CONFIG.replace("WEIGHT", str(weight)))


class Run:
    def __init__(self, a):
        self.a = a
        self.results = []
        self.failed = False

    def step(self, title, fn):
        t0 = time.monotonic()
        try:
            detail = fn() or ""
            ok = True
        except Exception as e:  # noqa: BLE001 - every failure is a verdict with its reason
            detail, ok = f"{type(e).__name__}: {e}", False
            self.failed = True
        secs = time.monotonic() - t0
        self.results.append((title, ok, detail, secs))
        print(f"deb-vm: {'PASS' if ok else 'FAIL'} {title} ({secs:.1f} s){'' if ok else ': ' + detail}", flush=True)

    # --- the package ---------------------------------------------------------------------------
    def install_first(self):
        sh("dpkg", "-i", self.a.old, check=True)
        version = sh(BIN, "--version", check=True).stdout.strip()
        expect(re.match(r"^\d+\.\d+\.\d+", version), f"--version printed {version!r}")
        page = sh("man", "-w", "hadirector", check=True).stdout.strip()
        expect(page == "/usr/share/man/man8/hadirector.8.gz", f"man -w hadirector: {page}")
        expect(sh("man", "-w", "5", "hadirector.yaml").stdout.strip() == "/usr/share/man/man5/hadirector.yaml.5.gz", "no hadirector.yaml(5)")
        verify = sh("systemd-analyze", "verify", "/lib/systemd/system/hadirector.service")
        expect(verify.returncode == 0 and "hadirector" not in verify.stderr, f"systemd-analyze verify: {verify.stderr.strip()}")
        completion = sh("bash", "-c", "source /usr/share/bash-completion/completions/hadirector; COMP_WORDS=(hadirector st); COMP_CWORD=1; "
                        "_hadirector; echo ${COMPREPLY[*]}", check=True).stdout.strip()
        expect(completion == "status", f"completion of 'hadirector st': {completion!r}")
        enabled = sh("systemctl", "is-enabled", "hadirector").stdout.strip()
        expect(enabled == "disabled", f"with the commented example the unit must not be enabled, is {enabled!r}")
        expect(sh("systemctl", "is-active", "hadirector").stdout.strip() == "inactive", "the unit started without a configuration")
        return f"{version}; {page}; is-enabled {enabled}"

    def upgrade_keeps_conffile(self):
        with open(CONF, "a") as f:
            f.write("# edited by the operator\n")
        sh("dpkg", "-i", self.a.new, check=True)
        new = sh("dpkg-deb", "-f", self.a.new, "Version", check=True).stdout.strip()
        installed = sh("dpkg-query", "-W", "-f=${Version}", "hadirector", check=True).stdout.strip()
        expect(installed == new, f"installed {installed}, expected {new}")
        expect(open(CONF).read().endswith("# edited by the operator\n"), "the operator's edit is gone")
        return f"upgraded to {installed}, edit kept"

    def remove_keeps_conffile(self):
        sh("dpkg", "-r", "hadirector", check=True)
        expect(not os.path.exists(BIN), "binary still there")
        expect(open(CONF).read().endswith("# edited by the operator\n"), "conffile gone or changed after dpkg -r")
        state = sh("dpkg-query", "-W", "-f=${Status}", "hadirector").stdout.strip()
        expect(state == "deinstall ok config-files", f"status {state!r}")
        return state

    def purge_removes_conffile(self):
        sh("dpkg", "-P", "hadirector", check=True)
        expect(not os.path.exists(CONF) and not os.path.exists("/etc/hadirector"), "/etc/hadirector left after purge")
        return "gone"

    # --- the unit under systemd -----------------------------------------------------------------
    def network(self):
        # hd0 here (the director's interface), hd0p in netns "peer": the real server and the VRRP listener.
        for cmd in (["ip", "netns", "add", "peer"],
                    ["ip", "link", "add", "hd0", "type", "veth", "peer", "name", "hd0p", "netns", "peer"],
                    ["ip", "addr", "add", "198.18.0.1/24", "dev", "hd0"], ["ip", "link", "set", "hd0", "up"],
                    ["ip", "netns", "exec", "peer", "ip", "addr", "add", f"{RS}/24", "dev", "hd0p"],
                    ["ip", "netns", "exec", "peer", "ip", "link", "set", "hd0p", "up"],
                    ["ip", "netns", "exec", "peer", "ip", "link", "set", "lo", "up"]):
            sh(*cmd, check=True)
        self.server = subprocess.Popen(["ip", "netns", "exec", "peer", "python3", "-m", "http.server", "80", "--bind", RS],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pcap = "/tmp/deb-vm-peer.pcap"
        self.capture = subprocess.Popen(["ip", "netns", "exec", "peer", "tcpdump", "-i", "hd0p", "-n", "-U", "-w", self.pcap, "vrrp or arp"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def install_over_config(self):
        self.network()
        os.makedirs("/etc/hadirector", exist_ok=True)
        write_config(1)
        # As config management installs over a file it put there first: keep it.
        t0 = time.monotonic()
        sh("dpkg", "-i", "--force-confold", self.a.new, check=True, timeout=300)
        took = time.monotonic() - t0
        enabled = sh("systemctl", "is-enabled", "hadirector").stdout.strip()
        active = sh("systemctl", "is-active", "hadirector").stdout.strip()
        expect(enabled == "enabled", f"is-enabled {enabled!r}")
        expect(active == "active", f"is-active {active!r}: {sh('systemctl', 'status', '--no-pager', 'hadirector').stdout}")
        return f"dpkg -i (start included, Type=notify) {took:.1f} s; enabled, active"

    def capabilities(self):
        until("master", lambda: status()["instances"][0]["state"] == "master")
        until("the VIP on hd0", has_vip)
        until("the real server in IPVS", lambda: ipvs_weight() == 1)
        s = until("the half-open check up", lambda: (st := status())["virtualServers"][0]["realServers"][0]["health"]
                  and st["virtualServers"][0]["realServers"][0]["health"]["state"] == "up" and st)
        expect(s["unappliedSettings"] == [], f"unapplied: {s['unappliedSettings']}")
        expire = open("/proc/sys/net/ipv4/vs/expire_nodest_conn").read().strip()
        threshold = open("/proc/sys/net/ipv4/vs/sync_threshold").read().split()
        expect(expire == "1", f"expire_nodest_conn {expire}")
        expect(threshold[0] == "2", f"sync_threshold {threshold}")
        daemons = sh("ipvsadm", "-Ln", "--daemon").stdout
        expect("master sync daemon" in daemons, f"sync daemons: {daemons!r}")
        metrics = sh("curl", "-s", "http://127.0.0.1:9810/metrics", check=True).stdout
        garp = sum(float(v) for v in re.findall(r"^hadirector_vrrp_garp_sent_total\{[^}]*\} (\S+)", metrics, re.M))
        expect(garp > 0, "no gratuitous ARP sent")
        arp = sh("tcpdump", "-r", self.pcap, "-n", "arp").stdout
        expect(VIP in arp, f"the peer saw no ARP for the VIP: {arp!r}")
        unapplied = re.search(r"^hadirector_settings_unapplied (\S+)", metrics, re.M)
        expect(unapplied and float(unapplied.group(1)) == 0, f"hadirector_settings_unapplied {unapplied and unapplied.group(1)}")
        journal = sh("journalctl", "-u", "hadirector", "--no-pager").stdout
        expect("could not set net.ipv4.vs" not in journal, "the journal has a failed sysctl write")
        return f"master, VIP, IPVS weight 1, half-open up, expire_nodest_conn=1, sync_threshold={' '.join(threshold)}, {garp:.0f} GARP"

    def reload_good(self):
        write_config(3)
        r = sh("systemctl", "reload", "hadirector")
        expect(r.returncode == 0, f"systemctl reload exited {r.returncode}: {r.stderr}")
        until("weight 3 in IPVS", lambda: ipvs_weight() == 3)
        return "weight 1 -> 3"

    def reload_bad(self):
        with open(CONF, "w") as f:
            f.write("vrrp: [this is not\n")
        try:
            r = sh("systemctl", "reload", "hadirector")
            expect(r.returncode != 0, "systemctl reload of a broken file succeeded")
            expect(sh("systemctl", "is-active", "hadirector").stdout.strip() == "active", "the daemon stopped on a bad reload")
            expect(ipvs_weight() == 3 and status()["instances"][0]["state"] == "master", "a bad reload changed something")
        finally:
            write_config(3)
        return f"exit {r.returncode}, still active, nothing changed"

    def stop(self):
        r = sh("systemctl", "stop", "hadirector")
        expect(r.returncode == 0, f"systemctl stop exited {r.returncode}: {r.stderr}")
        expect(not has_vip(), "the VIP is still on hd0")
        expect(ipvs_weight() == 3, "the IPVS table was not left as it was")
        adverts = until("a priority 0 advert at the peer",
                        lambda: (out := sh("tcpdump", "-r", self.pcap, "-n", "-v", "vrrp").stdout) and "prio 0" in out and out)
        return f"VIP removed, IPVS left, {adverts.count('prio 0')} priority-0 advert(s)"

    def restart_adopts(self):
        r = sh("systemctl", "start", "hadirector")
        expect(r.returncode == 0, f"systemctl start exited {r.returncode}: {r.stderr}")
        until("master again", lambda: status()["instances"][0]["state"] == "master")
        ipvs = until("a reconcile pass", lambda: (i := status()["ipvs"])["passes"] >= 1 and i)
        expect(ipvs["totalOperations"] == 0, f"{ipvs['totalOperations']} IPVS writes after the restart")
        expect(ipvs_weight() == 3, "weight changed")
        return f"{ipvs['passes']} pass(es), 0 writes"

    def security(self):
        out = sh("systemd-analyze", "security", "--no-pager", "hadirector", check=True).stdout
        with open(os.path.join(self.a.results, "systemd-analyze-security.txt"), "w") as f:
            f.write(out)
        m = re.search(r"Overall exposure level for hadirector.service: (\d+\.\d) (\S+)", out)
        expect(m and float(m.group(1)) <= 3.0, f"exposure: {m and m.group(0)}")
        return m.group(0)

    def run(self):
        # man-db's dpkg trigger re-indexes every manual page of the host over 9p (minutes under TCG); man -w
        # reads the directories themselves.
        if os.path.exists("/var/lib/man-db/auto-update"):
            os.remove("/var/lib/man-db/auto-update")
        # The host's root is a container image whose policy-rc.d forbids starting services (exit 101); a real
        # machine has none, and the postinst's start is part of what is tested here.
        if os.path.exists("/usr/sbin/policy-rc.d"):
            os.remove("/usr/sbin/policy-rc.d")
        self.step("deb: dpkg -i, --version, man -w, completion, systemd-analyze verify; not enabled without a configuration", self.install_first)
        self.step("deb: an upgrade keeps a modified conffile", self.upgrade_keeps_conffile)
        self.step("deb: dpkg -r keeps the conffile", self.remove_keeps_conffile)
        self.step("deb: dpkg -P removes the conffile", self.purge_removes_conffile)
        self.step("unit: installed over a configuration, enabled and started (Type=notify)", self.install_over_config)
        self.step("unit: its capabilities suffice for VRRP, VIP, IPVS, GARP, half-open checks and the IPVS sysctls", self.capabilities)
        self.step("unit: systemctl reload with a good file applies it", self.reload_good)
        self.step("unit: systemctl reload with a bad file fails and changes nothing", self.reload_bad)
        self.step("unit: systemctl stop sends priority 0, removes the VIP, leaves the IPVS table", self.stop)
        self.step("unit: systemctl start adopts the table with zero writes", self.restart_adopts)
        self.step("unit: systemd-analyze security (exposure at most 3.0)", self.security)
        for p in ("server", "capture"):
            if getattr(self, p, None):
                getattr(self, p).terminate()
        with open(os.path.join(self.a.results, "hadirector-journal.txt"), "w") as f:
            f.write(sh("journalctl", "-u", "hadirector", "--no-pager", "-o", "short-monotonic").stdout)
        write_trx(os.path.join(self.a.results, "deb.trx"), self.results)
        return not self.failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--results", default=os.environ.get("HADIRECTOR_VM_RESULTS", "/tmp"))
    a = ap.parse_args()
    expect(os.environ.get("HADIRECTOR_TEST_VM") == "1" and os.readlink("/proc/1/exe").endswith("/systemd"),
           "run this in the test VM booted with systemd (deploy/deb/test)")
    sys.exit(0 if Run(a).run() else 1)


if __name__ == "__main__":
    main()
