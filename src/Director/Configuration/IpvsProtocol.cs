namespace HaDirector.Director.Configuration;

/// <summary>The transport protocol of an IPVS service.</summary>
public enum IpvsProtocol
{
    Tcp,
    Udp,
    Sctp,
}
