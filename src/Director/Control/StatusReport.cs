namespace HaDirector.Director.Control;

/// <summary>
/// `hadirector status --json`: schema version 1, documented in docs/status.schema.json. Fields are only
/// ever added; a removal or change of meaning bumps <see cref="SchemaVersion"/>.
/// </summary>
public sealed record StatusReport(
    int SchemaVersion,
    DateTimeOffset GeneratedAt,
    string ConfigFile,
    IReadOnlyList<InstanceStatus> Instances,
    IReadOnlyList<VirtualServerStatus> VirtualServers,
    IReadOnlyList<UnownedServiceStatus> UnownedServices,
    IReadOnlyList<string> Drains,
    IpvsTableStatus Ipvs,
    IReadOnlyList<VrrpInterfaceStatus> VrrpInterfaces)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Settings the configuration asks for that the daemon could not put in effect (a read-only sysctl, say).</summary>
    public IReadOnlyList<UnappliedSettingStatus> UnappliedSettings { get; init; } = [];

    /// <summary>The announced VIPs (docs/scale-out.md); null without an <c>announce:</c> section.</summary>
    public AnnounceStatus? Announce { get; init; }
}
