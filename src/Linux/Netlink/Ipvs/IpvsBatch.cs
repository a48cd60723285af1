namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Table edits to send in one pipelined go (<see cref="IpvsClient.Execute(IpvsBatch)"/>). They are applied
/// in order, and a failure does not stop the ones after it: add a service before its destinations.
/// </summary>
public sealed class IpvsBatch
{
    private readonly List<IpvsOperation> _operations = [];

    public IReadOnlyList<IpvsOperation> Operations => _operations;

    public int Count => _operations.Count;

    public IpvsBatch Add(IpvsOperation operation)
    {
        if (operation.IsDestination != operation.Destination is not null)
        {
            throw new ArgumentException($"{operation.Kind} {(operation.IsDestination ? "needs" : "takes no")} destination", nameof(operation));
        }

        _operations.Add(operation);
        return this;
    }

    public IpvsBatch AddService(IpvsService service) => Add(new(IpvsOperationKind.AddService, service));

    public IpvsBatch UpdateService(IpvsService service) => Add(new(IpvsOperationKind.UpdateService, service));

    public IpvsBatch DeleteService(IpvsService service) => Add(new(IpvsOperationKind.DeleteService, service));

    public IpvsBatch AddDestination(IpvsService service, IpvsDestination destination) =>
        Add(new(IpvsOperationKind.AddDestination, service, destination));

    public IpvsBatch UpdateDestination(IpvsService service, IpvsDestination destination) =>
        Add(new(IpvsOperationKind.UpdateDestination, service, destination));

    public IpvsBatch DeleteDestination(IpvsService service, IpvsDestination destination) =>
        Add(new(IpvsOperationKind.DeleteDestination, service, destination));
}
