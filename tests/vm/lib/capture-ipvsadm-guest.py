#!/usr/bin/env python3
"""Runs INSIDE the test VM (via tests/vm/capture-ipvsadm-fixtures): records with nlmon what
ipvsadm sends to and gets from the kernel over generic netlink, into one pcap for all operations,
$HADIRECTOR_VM_RESULTS/pcap/all.pcap, plus ops.tsv (name, command, exit code).

One tcpdump for the whole session, with markers around each operation: stopping a tcpdump per
operation lost whole captures under TCG on a loaded host (SIGINT arrived before tcpdump had read
its socket). A marker is a nlctrl GETFAMILY for the non-existent family "hdmark:begin:NAME" /
"hdmark:end:NAME" sent from this process's own netlink socket; the kernel answers with an error
(EINVAL: the name is longer than a family name may be), and the host-side converter splits the
pcap at the markers and drops the markers and their answers. Set-up
commands run before the begin marker, so a fixture holds only the operation's conversation.

Addresses: 198.18.0.0/15; IPv6 uses 2001:2::/48, the RFC 5180 benchmarking counterpart, since
198.18.0.0/15 has no IPv6 form (the VM has no network anyway).
"""
import os, socket, struct, subprocess, sys, time

OUT = os.path.join(os.environ["HADIRECTOR_VM_RESULTS"], "pcap")
V = "198.18.0.10"
SVC = f"ipvsadm -A -t {V}:80 -s wlc"
DEST = f"ipvsadm -a -t {V}:80 -r 198.18.0.11:80 -g -w 2"
DAEMON = "ipvsadm --start-daemon master --mcast-interface lo --syncid 7"
TABLE = "; ".join([  # the reply-parsing fixture: 2 services x 2 destinations
    SVC, f"ipvsadm -a -t {V}:80 -r 198.18.0.11:80 -g -w 2", f"ipvsadm -a -t {V}:80 -r 198.18.0.12:80 -g -w 1",
    f"ipvsadm -A -u {V}:53 -s rr", f"ipvsadm -a -u {V}:53 -r 198.18.0.11:53 -m -w 1",
    f"ipvsadm -a -u {V}:53 -r 198.18.0.12:53 -i -w 3"])
OPS = [  # (name, set-up (not captured), captured command)
    ("get-info", "", "ipvsadm -Ln"),
    ("add-service-tcp-wlc", "", SVC),
    ("edit-service", SVC, f"ipvsadm -E -t {V}:80 -s rr"),
    ("delete-service", SVC, f"ipvsadm -D -t {V}:80"),
    ("add-dest-dr", SVC, DEST),
    ("edit-dest-weight", f"{SVC}; {DEST}", f"ipvsadm -e -t {V}:80 -r 198.18.0.11:80 -g -w 5"),
    ("delete-dest", f"{SVC}; {DEST}", f"ipvsadm -d -t {V}:80 -r 198.18.0.11:80"),
    ("add-dest-nat", SVC, f"ipvsadm -a -t {V}:80 -r 198.18.0.12:8080 -m -w 1"),
    ("add-dest-tun", SVC, f"ipvsadm -a -t {V}:80 -r 198.18.0.13:80 -i -w 1"),
    ("add-service-udp", "", f"ipvsadm -A -u {V}:53 -s rr"),
    ("add-service-fwmark", "", "ipvsadm -A -f 5 -s wlc"),
    ("add-service-persistent", "", f"ipvsadm -A -t {V}:443 -s wlc -p 300 -M 255.255.255.0"),
    ("add-service-ipv6", "", "ipvsadm -A -t [2001:2::10]:80 -s wlc"),
    ("add-service-udp-oneshot", "", f"ipvsadm -A -u {V}:514 -s rr -o"),
    ("start-daemon", "", DAEMON),
    ("stop-daemon", DAEMON, "ipvsadm --stop-daemon master"),
    ("list-daemon", DAEMON, "ipvsadm -L --daemon"),
    ("set-timeouts", "", "ipvsadm --set 900 120 300"),
    ("list-timeouts", "ipvsadm --set 900 120 300", "ipvsadm -L --timeout"),
    ("list-services", f"{SVC}; ipvsadm -A -u {V}:53 -s rr", "ipvsadm -Ln"),
    ("list-services-with-dests", TABLE, "ipvsadm -Ln"),
    ("zero-counters", SVC, "ipvsadm -Z"),
    ("flush", SVC, "ipvsadm -C"),
]


def sh(cmd, check=True):
    r = subprocess.run(["bash", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        sys.exit(f"capture: '{cmd}' failed: {r.stdout}")
    return r


class Marker:
    """Sends nlctrl GETFAMILY "hdmark:TEXT" and waits for the kernel's error answer, so the marker is
    in the nlmon stream before the next command starts."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
        self.sock.bind((0, 0))
        self.seq = 0
        self.port = self.sock.getsockname()[0]

    def send(self, text):
        name = f"hdmark:{text}".encode() + b"\0"
        attr = struct.pack("<HH", 4 + len(name), 2) + name  # CTRL_ATTR_FAMILY_NAME
        attr += b"\0" * (-len(attr) % 4)
        body = struct.pack("<BBH", 3, 1, 0) + attr          # CTRL_CMD_GETFAMILY, version 1
        self.seq += 1
        self.sock.send(struct.pack("<IHHII", 16 + len(body), 0x10, 0x1, self.seq, self.port) + body)
        self.sock.recv(65536)


def main():
    os.makedirs(OUT, exist_ok=True)
    sh("modprobe ip_vs; modprobe nlmon; ip link add nlmon0 type nlmon; ip link set nlmon0 up")
    with open(os.path.join(OUT, "versions"), "w") as f:
        f.write(sh("ipvsadm -v").stdout.strip() + "\n" + os.uname().release + "\n")
    err = open(os.path.join(OUT, "tcpdump.err"), "w+")
    # -U: write each packet as it comes; -B: a 16 MiB socket buffer so nothing drops if tcpdump is
    # descheduled for a while (the host's cores are shared).
    tcpdump = subprocess.Popen(["tcpdump", "-i", "nlmon0", "-U", "-B", "16384", "-w", os.path.join(OUT, "all.pcap")],
                               stderr=err)
    deadline = time.monotonic() + 60
    while "listening on" not in open(err.name).read():
        if time.monotonic() > deadline or tcpdump.poll() is not None:
            sys.exit("capture: tcpdump did not start")
        time.sleep(0.05)
    marker = Marker()
    with open(os.path.join(OUT, "ops.tsv"), "w") as ops:
        for name, setup, cmd in OPS:
            sh("ipvsadm -C; ipvsadm --stop-daemon master 2>/dev/null; true")
            if setup:
                sh(setup)
            marker.send(f"begin:{name}")
            rc = sh(cmd, check=False).returncode
            marker.send(f"end:{name}")
            ops.write(f"{name}\t{cmd}\t{rc}\n")
            print(f"captured {name} (exit {rc}): {cmd}", flush=True)
        marker.send("end-of-session")
        # Stop only once tcpdump has written the last marker: poll the file for its name.
        pcap = os.path.join(OUT, "all.pcap")
        deadline = time.monotonic() + 120
        while b"hdmark:end-of-session" not in open(pcap, "rb").read():
            if time.monotonic() > deadline:
                sys.exit("capture: tcpdump never wrote the last marker")
            time.sleep(0.2)
    tcpdump.send_signal(2)
    tcpdump.wait()
    sh("ipvsadm -C; ipvsadm --stop-daemon master 2>/dev/null; ip link del nlmon0; true")
    print(open(err.name).read().strip())


if __name__ == "__main__":
    main()
