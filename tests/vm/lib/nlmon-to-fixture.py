#!/usr/bin/env python3
"""Turns the nlmon pcap of a capture session into one text fixture per ipvsadm operation.

Usage: nlmon-to-fixture.py PCAP OPS_TSV VERSIONS OUTDIR
  PCAP      tcpdump -i nlmon0 of the whole session (tests/vm/lib/capture-ipvsadm-guest.py)
  OPS_TSV   name, command, exit code per operation, in order
  VERSIONS  two lines: `ipvsadm -v`, kernel release
The session marks each operation with nlctrl GETFAMILY "hdmark:begin:NAME" / "hdmark:end:NAME"
from its own socket; messages between the two form OUTDIR/NAME.txt, and the markers and the
kernel's error answers to them (which quote the marker) are dropped.

Output, one netlink message per line (a captured packet may hold several, e.g. a dump batch):
    DIR FAMILY WHAT HEX
  DIR     req (user space -> kernel: NLM_F_REQUEST set) or rep (kernel -> user space)
  FAMILY  ctrl (nlctrl family look-up), ipvs (the IPVS generic-netlink family), nlmsg (ERROR/DONE)
  WHAT    the genetlink command name (ctrl: GETFAMILY/NEWFAMILY; ipvs: IPVS_CMD_* without the prefix),
          ERROR(errno) with 0 meaning ACK, or DONE
  HEX     the whole netlink message, header included, lower-case hex
Lines starting with '#' are comments (what made the file). Only NETLINK_GENERIC traffic is kept.
"""
import os, struct, sys

NETLINK_GENERIC = 16
NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL = 2, 3, 0x10
NLM_F_REQUEST = 0x1
CTRL_CMDS = {1: "NEWFAMILY", 2: "DELFAMILY", 3: "GETFAMILY"}
IPVS_CMDS = ["UNSPEC", "NEW_SERVICE", "SET_SERVICE", "DEL_SERVICE", "GET_SERVICE", "NEW_DEST",
             "SET_DEST", "DEL_DEST", "GET_DEST", "NEW_DAEMON", "DEL_DAEMON", "GET_DAEMON",
             "SET_CONFIG", "GET_CONFIG", "SET_INFO", "GET_INFO", "ZERO", "FLUSH"]
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2


def packets(path):
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        raise SystemExit(f"{path}: not a little-endian pcap")
    linktype = struct.unpack_from("<I", data, 20)[0]
    # LINKTYPE_NETLINK (253) and LINKTYPE_LINUX_SLL (113) both start with the 16-byte cooked
    # header (packet type, ARPHRD_NETLINK, address, protocol = netlink family); SLL2 is 20 bytes.
    hdr = {253: 16, 113: 16, 276: 20}.get(linktype)
    if hdr is None:
        raise SystemExit(f"{path}: unexpected link type {linktype}")
    off = 24
    while off + 16 <= len(data):
        incl, orig = struct.unpack_from("<II", data, off + 8)
        if incl != orig:
            raise SystemExit(f"{path}: truncated packet ({incl} of {orig} bytes)")
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        proto = struct.unpack_from(">H", pkt, 14 if hdr == 16 else 0)[0]
        yield proto, pkt[hdr:]


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from("<HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3FFF, buf[off + 4: off + alen]
        off += (alen + 3) & ~3


def messages(pcap):
    """Every NETLINK_GENERIC message in capture order: (type, flags, pid, genl cmd or None, bytes)."""
    for proto, payload in packets(pcap):
        if proto != NETLINK_GENERIC:
            continue
        off = 0
        while off + 16 <= len(payload):
            length, mtype, flags, _seq, pid = struct.unpack_from("<IHHII", payload, off)
            msg = payload[off: off + length]
            off += (length + 3) & ~3
            yield mtype, flags, pid, msg


def describe(mtype, msg, family_ids):
    if mtype == NLMSG_ERROR:
        return "nlmsg", f"ERROR({-struct.unpack_from('<i', msg, 16)[0]})"
    if mtype == NLMSG_DONE:
        return "nlmsg", "DONE"
    if mtype == GENL_ID_CTRL:
        return "ctrl", CTRL_CMDS.get(msg[16], f"CMD{msg[16]}")
    if family_ids.get(mtype) == "IPVS":
        cmd = msg[16]
        return "ipvs", IPVS_CMDS[cmd] if cmd < len(IPVS_CMDS) else f"CMD{cmd}"
    return None, None  # another generic-netlink family: not ipvsadm's


def main(pcap, ops_tsv, versions_file, outdir):
    msgs = list(messages(pcap))
    family_ids = {}  # from nlctrl answers: the IPVS family id is assigned at module load
    for mtype, _flags, _pid, msg in msgs:
        if mtype == GENL_ID_CTRL:
            a = dict(attrs(msg[20:]))
            if CTRL_ATTR_FAMILY_ID in a and CTRL_ATTR_FAMILY_NAME in a:
                family_ids[struct.unpack_from("<H", a[CTRL_ATTR_FAMILY_ID])[0]] = \
                    a[CTRL_ATTR_FAMILY_NAME].rstrip(b"\0").decode()
    ipvs_id = next((k for k, v in family_ids.items() if v == "IPVS"), None)

    per_op, current, marker_pids = {}, None, set()
    for mtype, flags, pid, msg in msgs:
        if mtype == GENL_ID_CTRL and flags & NLM_F_REQUEST:
            name = dict(attrs(msg[20:])).get(CTRL_ATTR_FAMILY_NAME, b"").rstrip(b"\0").decode()
            if name.startswith("hdmark:"):
                marker_pids.add(pid)
                mark = name[len("hdmark:"):]
                current = mark[len("begin:"):] if mark.startswith("begin:") else None
                if current is not None:
                    per_op[current] = []
                continue
        # The kernel's error answer to a marker quotes the marker request, name included.
        if pid in marker_pids or current is None or b"hdmark:" in msg:
            continue
        family, what = describe(mtype, msg, family_ids)
        if family is None:
            continue
        direction = "req" if flags & NLM_F_REQUEST else "rep"
        per_op[current].append(f"{direction} {family} {what} {msg.hex()}")

    ipvsadm_v, kernel = open(versions_file).read().splitlines()[:2]
    for line in open(ops_tsv):
        name, command, rc = line.rstrip("\n").split("\t")
        if name not in per_op:
            raise SystemExit(f"{pcap}: no begin marker for {name}")
        with open(os.path.join(outdir, name + ".txt"), "w") as f:
            f.write(f"# {name}: what ipvsadm sends and the kernel answers over generic netlink\n")
            f.write(f"# command: {command}\n# exit code: {rc}\n")
            f.write(f"# ipvsadm: {ipvsadm_v}\n# kernel: {kernel}\n")
            f.write(f"# IPVS family id in this capture: {hex(ipvs_id) if ipvs_id else None}"
                    " (dynamic: resolved by the ctrl GETFAMILY exchange)\n")
            f.write("# nlmsg_seq and nlmsg_pid vary from run to run (libnl seeds seq from the clock;"
                    " pid is the port id)\n")
            f.write("# format: DIR FAMILY WHAT HEX - see README.md\n")
            for entry in per_op[name]:
                f.write(entry + "\n")
        print(f"{name}.txt: {len(per_op[name])} messages")


if __name__ == "__main__":
    main(*sys.argv[1:5])
