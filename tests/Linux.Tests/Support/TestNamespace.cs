using System.Diagnostics;
using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Support;

/// <summary>
/// A throw-away network namespace "nl-test-XXXXXXXX" with a veth pair "d0"/"d1", both up. The test side
/// uses iproute2 to build and inspect it (the product never shells out); product code runs inside via
/// <see cref="Run{T}"/>, which opens sockets on a thread that setns()'d into the namespace.
/// The root namespace is never touched.
/// </summary>
public sealed class TestNamespace : IDisposable
{
    public const string Link = "d0";
    public const string Peer = "d1";

    public TestNamespace()
    {
        Name = "nl-test-" + Guid.NewGuid().ToString("N")[..8];
        RunIp("netns", "add", Name);
        try
        {
            // This host's kernel has veth but no dummy driver; the peer must be up for d0 to be RUNNING.
            Ip("link", "add", Link, "type", "veth", "peer", "name", Peer);
            Ip("link", "set", Peer, "up");
            Ip("link", "set", Link, "up");

            // lo up gives the namespace its local routing table; without one the kernel classifies
            // every IPv4 address as broadcast, and IPVS refuses real servers with EINVAL.
            Ip("link", "set", "lo", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string Path => NetworkNamespace.PathOf(Name);

    /// <summary>Runs product code inside the namespace (typically: open a client there).</summary>
    public T Run<T>(Func<T> work) => NetworkNamespace.Run(Path, work);

    /// <summary>`ip -n NAME args…`; returns stdout, throws with stderr on failure.</summary>
    public string Ip(params string[] args) => RunIp(["-n", Name, .. args]);

    /// <summary>`ip netns exec NAME program args…` (e.g. ipvsadm as the independent witness); returns stdout.</summary>
    public string Exec(string program, params string[] args) => RunIp(["netns", "exec", Name, program, .. args]);

    public int LinkIndex(string link = Link)
    {
        var line = Ip("-o", "link", "show", "dev", link);
        return int.Parse(line[..line.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Address/prefix strings of `ip -o addr show dev LINK`, e.g. "198.18.0.10/32".</summary>
    public IReadOnlyList<string> Addresses(string link = Link) =>
        Ip("-o", "addr", "show", "dev", link)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(fields => fields[Array.IndexOf(fields, fields.First(f => f is "inet" or "inet6")) + 1])
            .ToList();

    public void Dispose()
    {
        try
        {
            RunIp("netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // best effort: a failed constructor may not have created it
        }
    }

    private static string RunIp(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Trim()}");
        }

        return stdout;
    }
}
