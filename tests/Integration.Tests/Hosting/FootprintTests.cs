using System.Buffers.Binary;
using System.Net;
using HaDirector.Director.Hosting;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Linux.Elf;

namespace HaDirector.Integration.Tests.Hosting;

/// <summary>
/// What a master with the seed's kind of configuration keeps mapped (issue 20 item 5, docs/benchmarks.md "Footprint"):
/// neither OpenSSL, which it needs for nothing here, nor a libpcap capture ring, which it never reads, nor, after
/// start-up, the pages of its own image that only start-up reads.
/// </summary>
public sealed class FootprintTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly DirectorLan _lan = new("lb1");
    private readonly List<ManagedProcess> _servers = [];

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }
        _lan.Dispose();
    }

    [Fact]
    public void Master_WithAnHttpCheckedVirtualServer_MapsNeitherOpenSslNorACaptureRing()
    {
        var lb1 = _lan["lb1"];
        _servers.Add(new ManagedProcess("http@lb1", lb1.Namespace, "python3", ["-m", "http.server", "8080", "--bind", lb1.Address.ToString()]));
        var director = _lan.Start(lb1, DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()) + $$"""

            virtualServers:
              - name: web
                vip: {{Vip}}
                port: 80
                healthCheck: { type: http, path: /, port: 8080, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }
                realServers:
                  - { address: {{lb1.Address}}, weight: 1 }
            """);
        var upChecks = $"hadirector_healthcheck_checks_total{{virtual_server=\"web\",real_server=\"{lb1.Address}:80\",result=\"up\"}}";
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 master", () => director.Process.Output);
        // Without IPVS in the kernel the instance goes to Fault after two failed passes: the GARP is sent before.
        // A minute for the check: python's server may start slowly on a loaded machine.
        Wait.Until(() => director.Metric("hadirector_vrrp_garp_sent_total{instance=\"web\"}") >= 1 && director.Metric(upChecks) >= 1,
            TimeSpan.FromMinutes(1), "a gratuitous ARP sent and a check passed", () => director.Process.Output);

        var maps = File.ReadAllText($"/proc/{director.Process.Pid}/maps");

        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libpcap", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("socket:[", maps, StringComparison.Ordinal);
    }

    /// <summary>HMAC adverts are signed by the daemon's own HMAC-SHA256 (Vrrp/Crypto), not OpenSSL's 4 MiB of libraries.</summary>
    [Fact]
    public void Master_SigningHmacAdverts_DoesNotMapOpenSsl()
    {
        var lb1 = _lan["lb1"];
        var config = DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()).Replace(
            "      virtualAddresses:",
            $"      authentication: {{ type: hmac, activeKey: 1, keys: [{{ id: 1, key: 'hex:{new string('7', 64)}' }}] }}\n      virtualAddresses:",
            StringComparison.Ordinal);
        var director = _lan.Start(lb1, config);
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 master", () => director.Process.Output);
        Wait.Until(() => director.Metric("hadirector_vrrp_adverts_sent_total{instance=\"web\"}") >= 5, Bound,
            "five signed adverts sent", () => director.Process.Output);

        var maps = File.ReadAllText($"/proc/{director.Process.Pid}/maps");

        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
    }

    /// <summary>
    /// Once start-up is over (<see cref="MemoryTrim.AfterStartDelay"/>) the daemon keeps no page of its image that
    /// only start-up reads: the dynamic relocations and, in the Native AOT binary as shipped, the ~2 MiB of
    /// dehydrated type data, found here the way the daemon finds them, in its memory read through /proc.
    /// </summary>
    [Fact]
    public void Master_AfterStartUp_KeepsNoStartupOnlyPageOfItsImage()
    {
        var lb1 = _lan["lb1"];
        var director = _lan.Start(lb1, DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 master", () => director.Process.Output);
        var pid = director.Process.Pid;
        var image = ElfImage.Read($"/proc/{pid}/exe");
        var pages = StartupOnlyPagesOf(pid, image);

        Assert.True(image.Section("__modules") is not null,
            $"{Binary.Path} is not the Native AOT binary as shipped: run with HADIRECTOR_BIN=artifacts/publish-test/hadirector (tests/run does)");
        Assert.True(pages.Sum(p => (long)p.Length) >= 1 << 20, $"start-up-only pages found: {pages.Sum(p => (long)p.Length)} bytes in {pages.Count} ranges");
        Assert.True(ResidentPages(pid, pages) > 0, "the start-up-only pages are resident before the trim");
        // A page the daemon really reads next to a range maps the range's pages of the same fault-around window too
        // (the kernel maps up to 64 KiB of page-cache pages around a fault; the pages stay in the page cache while
        // another process, such as a test beside this one, maps the same file): those at a range's edges may come
        // back without being read. One inside a range, farther than that from both edges, means the trim did not work.
        Wait.Until(() => ResidentPages(pid, pages, skipEdges: true) == 0, MemoryTrim.AfterStartDelay + TimeSpan.FromSeconds(30),
            "no start-up-only page resident but a fault-around window's at a range's edge",
            () => $"{ResidentPages(pid, pages, skipEdges: true)} resident inside the ranges, {ResidentPages(pid, pages)} in all\n{director.Process.Output}");
    }

    /// <summary>The kernel's default fault_around_bytes (mm/memory.c): 64 KiB.</summary>
    private const int FaultAroundBytes = 64 * 1024;

    private static List<(ulong Start, ulong Length)> StartupOnlyPagesOf(int pid, ElfImage image)
    {
        // AT_PHDR (3) from the auxiliary vector: where the kernel put the program headers, hence the load base.
        var auxv = File.ReadAllBytes($"/proc/{pid}/auxv");
        ulong phdrAt = 0;
        for (var i = 0; i + 16 <= auxv.Length; i += 16)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(auxv.AsSpan(i)) == 3)
            {
                phdrAt = BinaryPrimitives.ReadUInt64LittleEndian(auxv.AsSpan(i + 8));
            }
        }

        var phdr = image.Segments.Single(s => s.Type == ElfSegment.TypePhdr);
        using var memory = File.OpenHandle($"/proc/{pid}/mem");
        return StartupOnlyPages.Find(image, phdrAt - phdr.VirtualAddress, Environment.SystemPageSize, (address, length) =>
        {
            var bytes = new byte[length];
            Assert.Equal(length, RandomAccess.Read(memory, bytes, (long)address));
            return bytes;
        });
    }

    /// <summary>
    /// Pages of the ranges present in the process's page table (/proc/PID/pagemap bit 63); with
    /// <paramref name="skipEdges"/>, not counting those that share a fault-around window with a page outside the range.
    /// </summary>
    private static int ResidentPages(int pid, List<(ulong Start, ulong Length)> ranges, bool skipEdges = false)
    {
        var page = (ulong)Environment.SystemPageSize;
        using var pagemap = File.OpenHandle($"/proc/{pid}/pagemap");
        var resident = 0;
        foreach (var (start, length) in ranges)
        {
            var entries = new byte[length / page * 8];
            Assert.Equal(entries.Length, RandomAccess.Read(pagemap, entries, (long)(start / page * 8)));
            for (var i = 0; i < entries.Length; i += 8)
            {
                var window = (start + (ulong)(i / 8) * page) / FaultAroundBytes * FaultAroundBytes;
                var edge = window < start || window + FaultAroundBytes > start + length;
                resident += (BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(i)) >> 63) == 1 && !(skipEdges && edge) ? 1 : 0;
            }
        }

        return resident;
    }
}
