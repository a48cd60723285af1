namespace HaDirector.HealthCheck.Probes;

/// <summary>A GET's outcome: a failure reason, or the head with the body's length after the head in the buffer.</summary>
internal readonly record struct HttpGetResult(string? Failure, HttpResponseHead Head, int BodyLength, bool BodyComplete);
