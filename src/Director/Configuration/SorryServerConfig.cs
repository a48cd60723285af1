using System.Net;

namespace HaDirector.Director.Configuration;

/// <summary>Where traffic goes when every real server is down.</summary>
public sealed record SorryServerConfig(IPAddress Address, int Port);
