namespace HaDirector.Director.Configuration;

/// <summary>One <c>vrrp.syncGroups[]</c> entry: instances that are master together or not at all (keepalived's <c>vrrp_sync_group</c>).</summary>
public sealed record SyncGroupConfig
{
    public string Name { get; init; } = "";

    public ValueList<string> Instances { get; init; } = [];

    public NotifyConfig? Notify { get; init; }
}
