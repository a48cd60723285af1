namespace HaDirector.Linux.Packets;

/// <summary>Which neighbour-discovery message made a <see cref="NeighbourClaim"/>.</summary>
public enum NeighbourClaimKind
{
    /// <summary>A neighbour advertisement for its target (solicited or not).</summary>
    Advertisement,

    /// <summary>A neighbour solicitation from :: : another node's duplicate address detection for its target.</summary>
    DuplicateAddressDetection,

    /// <summary>A neighbour solicitation sent from the address.</summary>
    Solicitation,
}
