using System.Net;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// `hadirector drain ADDR[:PORT] [--service S]`: every destination at that address (and port, if given) of
/// every virtual server (or only of <paramref name="VirtualServer"/>) gets weight 0.
/// </summary>
public sealed record DrainTarget(IPAddress Address, ushort? Port = null, string? VirtualServer = null)
{
    public bool Matches(DestinationKey destination) =>
        destination.Address.Equals(Address) && (Port is null || Port == destination.Port);

    public bool Matches(string virtualServer, DestinationKey destination) =>
        (VirtualServer is null || VirtualServer == virtualServer) && Matches(destination);

    public override string ToString()
    {
        var where = Port is { } port ? new IPEndPoint(Address, port).ToString() : Address.ToString();
        return VirtualServer is null ? where : $"{where} of {VirtualServer}";
    }

    /// <summary>Parses "198.18.1.2", "198.18.1.2:80", "2001:db8::2" or "[2001:db8::2]:80".</summary>
    public static bool TryParse(string text, out DrainTarget? target)
    {
        target = null;
        if (IPAddress.TryParse(text, out var address) && !text.StartsWith('['))
        {
            target = new DrainTarget(address);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= ushort.MaxValue)
        {
            target = new DrainTarget(endpoint.Address, (ushort)endpoint.Port);
            return true;
        }

        return false;
    }
}
