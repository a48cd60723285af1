namespace HaDirector.Director.Configuration;

/// <summary>VRRPv2's simple text password (RFC 2338 §5.3.6); RFC 3768 and RFC 5798 dropped it.</summary>
public sealed record VrrpAuthentication(VrrpAuthenticationType Type, string Password);
