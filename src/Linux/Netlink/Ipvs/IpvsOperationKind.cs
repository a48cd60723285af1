namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>The table edits a batch can carry.</summary>
public enum IpvsOperationKind
{
    AddService,
    UpdateService,
    DeleteService,
    AddDestination,
    UpdateDestination,
    DeleteDestination,
}
