namespace HaDirector.Director.Control;

/// <summary>One request on the control socket: a JSON object on one line.</summary>
public sealed record ControlRequest
{
    /// <summary>status, failover, resume, drain, undrain, reload.</summary>
    public string Verb { get; init; } = "";

    /// <summary>failover/resume: one VRRP instance by name; null: all.</summary>
    public string? Instance { get; init; }

    /// <summary>failover/resume: one announced VIP by address (VRRP instances untouched); null: all.</summary>
    public string? Vip { get; init; }

    /// <summary>failover: when no new master is heard, release the VIPs anyway (hand over to nobody).</summary>
    public bool Force { get; init; }

    /// <summary>drain/undrain: ADDR or ADDR:PORT.</summary>
    public string? Target { get; init; }

    /// <summary>drain/undrain: only this virtual server.</summary>
    public string? Service { get; init; }
}
