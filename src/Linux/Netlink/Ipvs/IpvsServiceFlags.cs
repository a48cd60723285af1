namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>Service flags (IP_VS_SVC_F_*); Scheduler1..3 mean different things per scheduler (e.g. sh-fallback).</summary>
[Flags]
public enum IpvsServiceFlags : uint
{
    None = 0,
    Persistent = IpvsKernel.ServiceFlag.Persistent,
    Hashed = IpvsKernel.ServiceFlag.Hashed,
    OnePacket = IpvsKernel.ServiceFlag.OnePacket,
    Scheduler1 = IpvsKernel.ServiceFlag.Scheduler1,
    Scheduler2 = IpvsKernel.ServiceFlag.Scheduler2,
    Scheduler3 = IpvsKernel.ServiceFlag.Scheduler3,
}
