namespace HaDirector.Director.Configuration;

/// <summary>Where a virtual server's real servers get an <c>onFailure</c> action from, for errors and warnings that name its line.</summary>
internal static class FailureActionSites
{
    /// <summary>
    /// The field paths that give <paramref name="action"/> to at least one real server of <paramref name="server"/>:
    /// the service's <c>healthCheck.onFailure</c> once (however many real servers inherit it), and each real server's
    /// own <c>onFailure</c> that sets it.
    /// </summary>
    /// <param name="path">The virtual server's path, <c>virtualServers[i]</c>.</param>
    public static IEnumerable<string> Of(VirtualServerConfig server, string path, FailureAction action)
    {
        var service = false;
        for (var k = 0; k < server.RealServers.Count; k++)
        {
            var own = server.RealServers[k].OnFailure;
            if ((own ?? server.HealthCheck.OnFailure) != action || (own is null && service))
            {
                continue;
            }

            service |= own is null;
            yield return own is null
                ? FieldPath.Child(FieldPath.Child(path, "healthCheck"), "onFailure")
                : FieldPath.Child(FieldPath.Item(FieldPath.Child(path, "realServers"), k), "onFailure");
        }
    }
}
