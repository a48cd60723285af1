namespace HaDirector.Director.Kernel;

/// <summary>
/// The host lacks what the configuration needs (an interface, an address to advertise from): the operator's
/// to fix, not a bug, so the logs give it one line without a stack trace (an <see cref="IOException"/>).
/// </summary>
public sealed class HostConditionException(string message) : IOException(message);
