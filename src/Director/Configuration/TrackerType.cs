namespace HaDirector.Director.Configuration;

/// <summary>What a <c>vrrp.trackers[]</c> entry watches.</summary>
public enum TrackerType
{
    /// <summary>The link state of an interface (keepalived's <c>track_interface</c>).</summary>
    Interface,

    /// <summary>A command run every interval; exit 0 is up (keepalived's <c>vrrp_script</c>).</summary>
    Script,

    /// <summary>An integer in a file (keepalived's <c>track_file</c>).</summary>
    File,

    /// <summary>A named process running or not (keepalived's <c>track_process</c>).</summary>
    Process,

    /// <summary>At least <c>minUp</c> real servers up in a virtual server (keepalived's quorum).</summary>
    VirtualServer,
}
