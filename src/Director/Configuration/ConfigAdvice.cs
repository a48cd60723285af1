namespace HaDirector.Director.Configuration;

/// <summary>
/// Warnings about a valid file: settings that work, but that the documentation advises against for a reason an
/// operator should hear before it bites. Pure; <c>check-config</c> (also <c>--offline</c>), <c>run</c> and
/// <c>reload</c> print them with the file's line, and none of them stops anything.
/// </summary>
public static class ConfigAdvice
{
    public static IReadOnlyList<ConfigError> For(DirectorConfig config, ConfigSourceMap sources)
    {
        var warnings = new List<ConfigError>();
        RemoveOnAnnouncedVip(config, sources, warnings);
        return warnings;
    }

    /// <summary>
    /// <c>onFailure: remove</c> (the default) on a service of an announced VIP: a real server that one director alone
    /// sees fail and come back is added again at the head of that director's destination list, so its Maglev table
    /// differs from the other directors' and flows the router moves between them change real server (the ECMP lab
    /// reset long-lived connections this way: docs/scale-out.md). <c>inhibit</c> with <c>mh-fallback</c> keeps the list.
    /// </summary>
    private static void RemoveOnAnnouncedVip(DirectorConfig config, ConfigSourceMap sources, List<ConfigError> warnings)
    {
        if (config.Announce is not { } announce)
        {
            return;
        }

        var announced = announce.Vips.Select(v => v.Address).ToHashSet();
        for (var i = 0; i < config.VirtualServers.Count; i++)
        {
            var server = config.VirtualServers[i];
            if (server.Vip is not { } vip || !announced.Contains(vip) || server.HealthCheck.Type == HealthCheckType.None)
            {
                continue;
            }

            var path = FieldPath.Item("virtualServers", i);
            var why = $"{vip} is announced, and onFailure: remove takes a failed real server out of this director's Maglev table; when it comes back "
                + "it is added at the head of the list, so this director and the others map some flows to different real servers until all have seen "
                + $"the same change, and connections the router moves between them are reset. Use onFailure: inhibit with schedulerFlags: [mh-fallback] on {path}";
            foreach (var at in FailureActionSites.Of(server, path, FailureAction.Remove))
            {
                warnings.Add(sources.ErrorAt(at, why));
            }
        }
    }
}
