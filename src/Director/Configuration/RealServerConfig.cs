using System.Net;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Configuration;

/// <summary>One destination of a virtual server.</summary>
public sealed record RealServerConfig
{
    public IPAddress Address { get; init; } = IPAddress.None;

    /// <summary>Defaults to the virtual server's port (0 for a firewall-mark service: the client's port).</summary>
    public int Port { get; init; }

    /// <summary>0..65535; 0 keeps the server in the table but sends it no new connections.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Null: the virtual server's forwarding method.</summary>
    public IpvsForwardingMethod? Forwarding { get; init; }

    /// <summary>
    /// The checks of this server alone (keepalived's checkers in a <c>real_server</c> block), every one of which
    /// must pass; null: the virtual server's <c>healthCheck</c>; empty: never checked, always up.
    /// </summary>
    public ValueList<HealthCheckConfig>? HealthChecks { get; init; }

    /// <summary>keepalived's per-server <c>inhibit_on_failure</c>; null: the service's <c>healthCheck.onFailure</c>.</summary>
    public FailureAction? OnFailure { get; init; }

    /// <summary>keepalived's <c>notify_up</c>: run as written when the health checks find this server up again.</summary>
    public string? NotifyUp { get; init; }

    /// <summary>keepalived's <c>notify_down</c>: run as written when the health checks find this server down.</summary>
    public string? NotifyDown { get; init; }
}
