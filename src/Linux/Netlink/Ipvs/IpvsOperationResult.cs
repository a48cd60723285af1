namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>The outcome of one batched edit: <see cref="Error"/> is null when the kernel accepted it.</summary>
public sealed record IpvsOperationResult(IpvsOperation Operation, IpvsErrorException? Error)
{
    public bool Succeeded => Error is null;
}
