#!/usr/bin/env python3
"""Turns an nlmon pcap of one ipvsadm run into a text fixture for the netlink codec tests.

Usage: nlmon-to-fixture.py PCAP NAME COMMAND EXIT VERSIONS > FIXTURE

Output, one netlink message per line (a captured packet may hold several, e.g. a dump batch):
    DIR FAMILY WHAT HEX
  DIR     req (user space -> kernel: NLM_F_REQUEST set) or rep (kernel -> user space)
  FAMILY  ctrl (nlctrl family look-up), ipvs (the IPVS generic-netlink family), nlmsg (ERROR/DONE)
  WHAT    the genetlink command name (ctrl: GETFAMILY/NEWFAMILY; ipvs: IPVS_CMD_* without the prefix),
          ERROR(errno) with 0 meaning ACK, or DONE
  HEX     the whole netlink message, header included, lower-case hex
Lines starting with '#' are comments (what made the file). Only NETLINK_GENERIC traffic is kept.
"""
import struct, sys

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


def main(pcap, name, command, rc, versions):
    family_ids = {}  # learned from nlctrl replies: the IPVS family id is dynamic
    lines = []
    for proto, payload in packets(pcap):
        if proto != NETLINK_GENERIC:
            continue
        off = 0
        while off + 16 <= len(payload):
            length, mtype, flags, _seq, _pid = struct.unpack_from("<IHHII", payload, off)
            msg = payload[off: off + length]
            off += (length + 3) & ~3
            direction = "req" if flags & NLM_F_REQUEST else "rep"
            if mtype == NLMSG_ERROR:
                family, what = "nlmsg", f"ERROR({-struct.unpack_from('<i', msg, 16)[0]})"
            elif mtype == NLMSG_DONE:
                family, what = "nlmsg", "DONE"
            elif mtype == GENL_ID_CTRL:
                cmd = msg[16]
                family, what = "ctrl", CTRL_CMDS.get(cmd, f"CMD{cmd}")
                a = dict(attrs(msg[20:]))
                if CTRL_ATTR_FAMILY_ID in a and CTRL_ATTR_FAMILY_NAME in a:
                    fid = struct.unpack_from("<H", a[CTRL_ATTR_FAMILY_ID])[0]
                    family_ids[fid] = a[CTRL_ATTR_FAMILY_NAME].rstrip(b"\0").decode()
            elif family_ids.get(mtype) == "IPVS":
                cmd = msg[16]
                family, what = "ipvs", IPVS_CMDS[cmd] if cmd < len(IPVS_CMDS) else f"CMD{cmd}"
            else:
                continue  # another generic-netlink family: not ipvsadm's
            lines.append(f"{direction} {family} {what} {msg.hex()}")
    ipvs_id = next((k for k, v in family_ids.items() if v == "IPVS"), None)
    print(f"# {name}: what ipvsadm sends and the kernel answers over generic netlink")
    print(f"# command: {command}")
    print(f"# exit code: {rc}")
    for v in versions:
        print(f"# {v}")
    print(f"# IPVS family id in this capture: {ipvs_id if ipvs_id is None else hex(ipvs_id)} (dynamic: resolved by the ctrl GETFAMILY exchange)")
    print("# nlmsg_seq and nlmsg_pid vary from run to run (libnl seeds seq from the clock, pid is the port id)")
    print("# format: DIR FAMILY WHAT HEX - see README.md")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
