using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Ipvs;

/// <summary>The edits that turn the kernel's owned services into the desired ones, in the order to send them.</summary>
public sealed record IpvsPlan(IReadOnlyList<IpvsOperation> Operations, IReadOnlyList<IpvsService> UnownedServices)
{
    public bool IsEmpty => Operations.Count == 0;

    public int CountOf(IpvsOperationKind kind)
    {
        var count = 0;
        foreach (var operation in Operations)
        {
            if (operation.Kind == kind)
            {
                count++;
            }
        }

        return count;
    }

    public IpvsBatch ToBatch()
    {
        var batch = new IpvsBatch();
        foreach (var operation in Operations)
        {
            batch.Add(operation);
        }

        return batch;
    }
}
