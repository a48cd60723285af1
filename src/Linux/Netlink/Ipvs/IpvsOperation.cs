namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>One edit of the IPVS table; <see cref="Destination"/> is set for the destination kinds.</summary>
public sealed record IpvsOperation(IpvsOperationKind Kind, IpvsService Service, IpvsDestination? Destination = null)
{
    public byte Command => Kind switch
    {
        IpvsOperationKind.AddService => IpvsKernel.Command.NewService,
        IpvsOperationKind.UpdateService => IpvsKernel.Command.SetService,
        IpvsOperationKind.DeleteService => IpvsKernel.Command.DelService,
        IpvsOperationKind.AddDestination => IpvsKernel.Command.NewDest,
        IpvsOperationKind.UpdateDestination => IpvsKernel.Command.SetDest,
        IpvsOperationKind.DeleteDestination => IpvsKernel.Command.DelDest,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    public bool IsDestination => Kind is IpvsOperationKind.AddDestination or IpvsOperationKind.UpdateDestination or IpvsOperationKind.DeleteDestination;

    /// <summary>"add service 198.18.0.10:80/tcp", "edit real server 198.18.1.2:80 of service 198.18.0.10:80/tcp".</summary>
    public override string ToString() => Kind switch
    {
        IpvsOperationKind.AddService => $"add service {Service}",
        IpvsOperationKind.UpdateService => $"edit service {Service}",
        IpvsOperationKind.DeleteService => $"delete service {Service}",
        IpvsOperationKind.AddDestination => $"add real server {Destination} to service {Service}",
        IpvsOperationKind.UpdateDestination => $"edit real server {Destination} of service {Service}",
        IpvsOperationKind.DeleteDestination => $"delete real server {Destination} from service {Service}",
        _ => Kind.ToString(),
    };
}
