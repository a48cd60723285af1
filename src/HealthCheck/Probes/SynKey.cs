namespace HaDirector.HealthCheck.Probes;

/// <summary>A SYN's tuple as its reply names it: the target (<see cref="SynAddress"/>), its port and our source port.</summary>
internal readonly record struct SynKey(UInt128 Address, ushort Port, ushort LocalPort)
{
    /// <summary>The default would combine three hashes; the address's low half and the ports differ between targets.</summary>
    public override int GetHashCode() => HashCode.Combine((ulong)Address ^ (ulong)(Address >> 64), ((uint)Port << 16) | LocalPort);
}
