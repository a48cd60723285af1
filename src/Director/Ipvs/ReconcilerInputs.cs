using System.Collections.Immutable;
using HaDirector.Director.Configuration;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// Everything a reconcile pass aims for, as one immutable value. The reconciler swaps it whole, so a caller
/// changes a verdict, a drain or a role without waiting for a pass in progress, and every pass reads one
/// consistent set. The desired table is built on first use and shared by the passes that see this value.
/// </summary>
internal sealed class ReconcilerInputs
{
    private DesiredTable? _desired;
    private HashSet<ServiceKey>? _owned;

    private ReconcilerInputs(
        IReadOnlyList<VirtualServerConfig> virtualServers,
        IpvsConfig ipvs,
        ImmutableDictionary<RealServerId, RealServerHealth> health,
        ImmutableList<DrainTarget> drains,
        IpvsRole defaultRole,
        ImmutableDictionary<ServiceKey, IpvsRole> roles,
        HashSet<ServiceKey>? owned)
    {
        VirtualServers = virtualServers;
        Ipvs = ipvs;
        Health = health;
        Drains = drains;
        DefaultRole = defaultRole;
        Roles = roles;
        _owned = owned;
    }

    public IReadOnlyList<VirtualServerConfig> VirtualServers { get; }

    public IpvsConfig Ipvs { get; }

    public ImmutableDictionary<RealServerId, RealServerHealth> Health { get; }

    /// <summary>A list, not a set: status shows the drains in the order they were made.</summary>
    public ImmutableList<DrainTarget> Drains { get; }

    /// <summary>The role of every service without one of its own (set by the overloads without services).</summary>
    public IpvsRole DefaultRole { get; }

    public ImmutableDictionary<ServiceKey, IpvsRole> Roles { get; }

    public DesiredTable Desired => _desired ??= DesiredTable.Build(VirtualServers, Health, Drains);

    /// <summary>The services this configuration owns; health and drains never change which those are.</summary>
    public IReadOnlySet<ServiceKey> Owned => _owned ??= [.. Desired.Keys];

    /// <summary>Builds the desired table at once, so a configuration it rejects fails here, not in a pass.</summary>
    public static ReconcilerInputs Of(DirectorConfig config) =>
        Built(new([.. config.VirtualServers], config.Ipvs, ImmutableDictionary<RealServerId, RealServerHealth>.Empty,
            [], IpvsRole.Starting, ImmutableDictionary<ServiceKey, IpvsRole>.Empty, null));

    public IpvsRole RoleOf(ServiceKey service) => Roles.Count == 0 ? DefaultRole : Roles.GetValueOrDefault(service, DefaultRole);

    /// <summary>Active if any owned service is active, else Standby if any is, else Starting.</summary>
    public IpvsRole OwnedRole()
    {
        if (Roles.Count == 0)
        {
            return Owned.Count == 0 ? IpvsRole.Starting : DefaultRole;
        }

        var result = IpvsRole.Starting;
        foreach (var service in Owned)
        {
            var role = RoleOf(service);
            if (role == IpvsRole.Active)
            {
                return role;
            }

            if (role == IpvsRole.Standby)
            {
                result = role;
            }
        }

        return result;
    }

    /// <summary>Whether a pass holds this service in the kernel: active, or any role with warm standby.</summary>
    public bool Holds(ServiceKey service) => Ipvs.WarmStandby || RoleOf(service) == IpvsRole.Active;

    /// <summary>A reload; like <see cref="Of"/>, the new desired table is built at once.</summary>
    public ReconcilerInputs WithConfig(DirectorConfig config) =>
        Built(new([.. config.VirtualServers], config.Ipvs, Health, Drains, DefaultRole, Roles, null));

    private static ReconcilerInputs Built(ReconcilerInputs inputs)
    {
        _ = inputs.Owned;
        return inputs;
    }

    /// <summary>Null when the verdict is the one in force already.</summary>
    public ReconcilerInputs? WithHealth(RealServerId realServer, RealServerHealth? health)
    {
        var changed = health is { } verdict
            ? !Health.TryGetValue(realServer, out var old) || old != verdict
            : Health.ContainsKey(realServer);
        if (!changed)
        {
            return null;
        }

        var next = health is { } value ? Health.SetItem(realServer, value) : Health.Remove(realServer);
        return new(VirtualServers, Ipvs, next, Drains, DefaultRole, Roles, _owned);
    }

    /// <summary>Null when that target is drained already (adding) or not drained (removing).</summary>
    public ReconcilerInputs? WithDrain(DrainTarget target, bool add)
    {
        if (Drains.Contains(target) == add)
        {
            return null;
        }

        return new(VirtualServers, Ipvs, Health, add ? Drains.Add(target) : Drains.Remove(target), DefaultRole, Roles, _owned);
    }

    /// <summary><paramref name="services"/> null: every service, now and after reloads.</summary>
    public ReconcilerInputs WithRole(IReadOnlyCollection<ServiceKey>? services, IpvsRole role)
    {
        var next = new ReconcilerInputs(VirtualServers, Ipvs, Health, Drains,
            services is null ? role : DefaultRole,
            services is null ? ImmutableDictionary<ServiceKey, IpvsRole>.Empty : Roles.SetItems(services.Select(s => KeyValuePair.Create(s, role))),
            _owned);
        next._desired = _desired;
        return next;
    }
}
