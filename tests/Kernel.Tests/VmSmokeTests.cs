namespace HaDirector.KernelTests;

/// <summary>
/// Proves the VM is what the kernel tests need: IPVS loads, ipvsadm talks to it, namespaces and
/// veth work. Addresses only from 198.18.0.0/15 (RFC 2544 benchmarking range).
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class VmSmokeTests
{
    [Fact]
    public void Modprobe_IpVs_LoadsAndCreatesProcTable()
    {
        KernelVm.Require();

        Shell.Check("modprobe", "ip_vs");

        Assert.True(File.Exists("/proc/net/ip_vs"), "/proc/net/ip_vs is missing after modprobe ip_vs");
        Assert.StartsWith("IP Virtual Server version", File.ReadAllText("/proc/net/ip_vs"));
    }

    [Fact]
    public void Ipvsadm_AddListDelete_ServiceRoundTrips()
    {
        KernelVm.Require();
        Shell.Check("modprobe", "ip_vs");
        Shell.Run("ipvsadm", "-D", "-t", "198.18.0.10:80"); // a leftover from an aborted test

        try
        {
            Shell.Check("ipvsadm", "-A", "-t", "198.18.0.10:80", "-s", "wlc");

            var listed = Shell.Check("ipvsadm", "-Ln");
            Assert.Contains("TCP  198.18.0.10:80 wlc", listed);
        }
        finally
        {
            Shell.Run("ipvsadm", "-D", "-t", "198.18.0.10:80");
        }

        Assert.DoesNotContain("198.18.0.10:80", Shell.Check("ipvsadm", "-Ln"));
    }

    [Fact]
    public void IpNetns_NamespaceWithVeth_CanBeCreatedAndAddressed()
    {
        KernelVm.Require();
        const string ns = "hdk-smoke";
        Shell.Run("ip", "netns", "del", ns);

        try
        {
            Shell.Check("ip", "netns", "add", ns);
            Shell.Check("ip", "-n", ns, "link", "add", "hdk0", "type", "veth", "peer", "name", "hdk1");
            Shell.Check("ip", "-n", ns, "addr", "add", "198.18.1.1/30", "dev", "hdk0");
            Shell.Check("ip", "-n", ns, "addr", "add", "198.18.1.2/30", "dev", "hdk1");
            Shell.Check("ip", "-n", ns, "link", "set", "hdk0", "up");
            Shell.Check("ip", "-n", ns, "link", "set", "hdk1", "up");

            var links = Shell.Check("ip", "-n", ns, "-br", "addr", "show", "dev", "hdk0");
            Assert.Contains("198.18.1.1/30", links);
        }
        finally
        {
            Shell.Run("ip", "netns", "del", ns);
        }
    }
}
