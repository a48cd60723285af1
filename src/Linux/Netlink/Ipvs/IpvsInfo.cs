namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>IPVS_CMD_GET_INFO: the IPVS version code (0x010201 = 1.2.1) and connection hash table size.</summary>
public sealed record IpvsInfo(uint VersionCode, uint ConnectionTableSize)
{
    public string Version => $"{(VersionCode >> 16) & 0xff}.{(VersionCode >> 8) & 0xff}.{VersionCode & 0xff}";
}
