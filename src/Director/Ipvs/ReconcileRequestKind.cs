namespace HaDirector.Director.Ipvs;

/// <summary>What a <see cref="ReconcileRequest"/> asks the reconciler's loop for.</summary>
internal enum ReconcileRequestKind
{
    /// <summary>A full pass: dump every service, plan, send.</summary>
    Pass,

    /// <summary>A health verdict or drain changed: a pass over the services it touches, or a full one.</summary>
    Changed,

    /// <summary>A fresh dump for status, between passes.</summary>
    Dump,

    /// <summary>Completes when everything posted before it is handled.</summary>
    Idle,

    /// <summary>Dispose: stop the periodic pass; later requests are refused.</summary>
    Stop,
}
