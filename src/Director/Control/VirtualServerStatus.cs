namespace HaDirector.Director.Control;

/// <summary>One configured virtual server in <see cref="StatusReport"/>.</summary>
/// <param name="Service">As ipvsadm writes it: "198.18.0.100:80/tcp" or "fwmark 7/IPv4".</param>
/// <param name="SchedulerFlags">As ipvsadm -b names them (mh-fallback, mh-port); empty: none.</param>
/// <param name="Role">starting (adopted, untouched), active (programmed: master or warm standby) or standby.</param>
/// <param name="InKernel">The service exists in the kernel table right now.</param>
public sealed record VirtualServerStatus(
    string Name,
    string Service,
    string Scheduler,
    IReadOnlyList<string> SchedulerFlags,
    string Forwarding,
    string Role,
    bool InKernel,
    bool SorryServerActive,
    IReadOnlyList<RealServerStatus> RealServers);
