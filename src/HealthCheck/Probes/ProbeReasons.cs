namespace HaDirector.HealthCheck.Probes;

/// <summary>The reasons probes give most often, as constants so the hot path allocates no strings.</summary>
public static class ProbeReasons
{
    public const string Connected = "connected";
    public const string SynAcked = "port open (SYN-ACK)";
    public const string NoSourcePort = "no free source port for the SYN";
    public const string NoIpv6 = "half-open check over IPv6, but this host has no IPv6";
    public const string MixedFamilies = "source and target are of different address families";
    public const string TimedOut = "timed out";
    public const string Refused = "connection refused";
    public const string Reset = "connection reset";
    public const string ClosedEarly = "connection closed before the reply";
    public const string Truncated = "response truncated";
    public const string Unreachable = "host unreachable";
    public const string ExpectMismatch = "reply does not match the expected pattern";
    public const string BodyMismatch = "body does not match bodyRegex";
    public const string DigestMismatch = "body digest differs";
    public const string BadResponse = "malformed HTTP response";
    public const string TooLarge = "response larger than the read limit";
    public const string Stopped = "check stopped";
}
