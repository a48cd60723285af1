namespace HaDirector.HealthCheck.Probes;

/// <summary>The body digests keepalived's HTTP_GET/SSL_GET compare (it only knows MD5; SHA-256 is the sane choice).</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}
