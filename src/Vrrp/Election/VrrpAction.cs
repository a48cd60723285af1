using System.Net;

namespace HaDirector.Vrrp.Election;

/// <summary>What the host must do, in order, after <see cref="VrrpStateMachine.Step"/>.</summary>
public abstract record VrrpAction
{
    private VrrpAction()
    {
    }

    /// <summary>Always first in its batch; the other actions of the batch carry it out.</summary>
    public sealed record StateChanged(VrrpState From, VrrpState To, VrrpTransitionCause Cause) : VrrpAction;

    /// <summary>Send one advert with this priority (ours, or 0 when leaving); see <see cref="VrrpInstanceOptions.CreateAdvert"/>.</summary>
    public sealed record SendAdvert(byte Priority) : VrrpAction;

    /// <summary>Add the virtual addresses (the host reconciles IPVS first). Must be idempotent.</summary>
    public sealed record AddVirtualAddresses(IReadOnlyList<IPAddress> Addresses) : VrrpAction
    {
        public bool Equals(AddVirtualAddresses? other) => other is not null && Addresses.SequenceEqual(other.Addresses);

        public override int GetHashCode() => Addresses.Count;
    }

    public sealed record RemoveVirtualAddresses(IReadOnlyList<IPAddress> Addresses) : VrrpAction
    {
        public bool Equals(RemoveVirtualAddresses? other) => other is not null && Addresses.SequenceEqual(other.Addresses);

        public override int GetHashCode() => Addresses.Count;
    }

    /// <summary>Start the gratuitous ARP burst (and refresh, per the garp settings) for these addresses.</summary>
    public sealed record StartGratuitousArp(IReadOnlyList<IPAddress> Addresses) : VrrpAction
    {
        public bool Equals(StartGratuitousArp? other) => other is not null && Addresses.SequenceEqual(other.Addresses);

        public override int GetHashCode() => Addresses.Count;
    }

    public sealed record StopGratuitousArp : VrrpAction;

    /// <summary>
    /// A master advertised a longer interval than <see cref="VrrpInstanceOptions.LearnedIntervalLimit"/>; the backup
    /// uses the limit instead. Once per episode (until the advertised interval changes), for the log and a counter.
    /// </summary>
    public sealed record LimitLearnedInterval(IPAddress Source, TimeSpan Advertised, TimeSpan Used) : VrrpAction;
}
