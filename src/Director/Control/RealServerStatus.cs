namespace HaDirector.Director.Control;

/// <summary>One real server of a virtual server in <see cref="StatusReport"/>.</summary>
/// <param name="DesiredWeight">What the reconciler aims for after health and drains; null: removed by health.</param>
/// <param name="KernelWeight">The kernel's weight now; null: not in the kernel table.</param>
/// <param name="Health">null when the virtual server has no health check (type none) or none ran yet.</param>
public sealed record RealServerStatus(
    string Address,
    int Port,
    int ConfiguredWeight,
    int? DesiredWeight,
    int? KernelWeight,
    bool Drained,
    RealServerHealthView? Health,
    long ActiveConnections,
    long InactiveConnections);
