namespace HaDirector.Linux.IpvsSync;

/// <summary>IPVS's TCP states (IP_VS_TCP_S_*, include/net/ip_vs.h): the numbers the sync protocol carries.</summary>
public enum IpvsTcpState : ushort
{
    None = 0,
    Established = 1,
    SynSent = 2,
    SynReceived = 3,
    FinWait = 4,
    TimeWait = 5,
    Close = 6,
    CloseWait = 7,
    LastAck = 8,
    Listen = 9,
    SynAck = 10,
}
