using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>
/// keepalived's <c>virtual_ipaddress_excluded</c>: addresses the master holds and announces like its VIPs but never lists in
/// its adverts (often IPv6 ones in an IPv4 router), so a peer's advert is checked against the advertised ones only.
/// </summary>
public sealed class ExcludedAddressesTests
{
    private static readonly IPAddress Excluded4 = IPAddress.Parse("198.18.10.90");
    private static readonly IPAddress Excluded6 = IPAddress.Parse("2001:2::90");
    private static readonly IPAddress Added = IPAddress.Parse("198.18.10.91");

    private static VrrpInstanceOptions WithExcluded(byte priority = 150) => V3(priority) with { ExcludedAddresses = [Excluded4, Excluded6] };

    [Fact]
    public void Validate_ExcludedAddressesOfTheOtherFamily_Accepted()
    {
        Assert.Empty(WithExcluded().Validate());
    }

    [Fact]
    public void BecomingMaster_EveryAddressAddedAndAnnounced_AdvertListsOnlyTheVirtualOnes()
    {
        var h = new ElectionHarness(WithExcluded());
        h.Start();

        var actions = h.Tick(h.Machine.MasterDownInterval);

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionCause.MasterDownTimerExpired),
                new VrrpAction.AddVirtualAddresses([Vip, Excluded4, Excluded6]),
                new VrrpAction.StartGratuitousArp([Vip, Excluded4, Excluded6]),
                new VrrpAction.SendAdvert(150),
            ],
            actions);
        Assert.Equal([Vip], h.Options.CreateAdvert(150).Addresses);
    }

    [Fact]
    public void LeavingMaster_EveryAddressRemoved()
    {
        var h = new ElectionHarness(WithExcluded());
        h.StartAsMaster();

        var actions = h.Advert(200);

        Assert.Contains(new VrrpAction.RemoveVirtualAddresses([Vip, Excluded4, Excluded6]), actions);
    }

    [Fact]
    public void Reconfigure_MasterGetsAnotherExcludedAddress_AddedAndAnnouncedWithoutATransition()
    {
        var h = new ElectionHarness(WithExcluded());
        h.StartAsMaster();

        var actions = h.Step(new VrrpInput.Reconfigure(WithExcluded() with { ExcludedAddresses = [Excluded4, Added] }));

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.AddVirtualAddresses([Added]),
                new VrrpAction.SendAdvert(150),
                new VrrpAction.RemoveVirtualAddresses([Excluded6]),
                new VrrpAction.StartGratuitousArp([Vip, Excluded4, Added]),
            ],
            actions);
        Assert.Equal(VrrpState.Master, h.Machine.State);
    }

    [Fact]
    public void ReceiveRules_PeerAdvertListingTheVirtualAddressesOnly_Accepted()
    {
        var options = WithExcluded();
        var validator = new VrrpAdvertValidator([options.CreateReceiveRules()]);
        // A keepalived peer with the same virtual_ipaddress_excluded lists only its virtual_ipaddress.
        var advert = VrrpDatagramWriter.Write(new VrrpPacket(VrrpVersion.V3, 51, 200, [Vip], TimeSpan.FromMilliseconds(100)),
            Peer, VrrpCodec.MulticastGroup);

        var result = validator.Validate(advert);

        Assert.Equal(VrrpDropReason.None, result.Reason);
        Assert.Equal([Vip], options.CreateReceiveRules().VirtualAddresses);
    }
}
