using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Vrrp;

/// <summary>Rate limit of the authentication failure log: one line a minute per reason, saying how many were not logged.</summary>
internal sealed class AuthFailureLog(TimeProvider time)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly DateTimeOffset[] _last = new DateTimeOffset[Enum.GetValues<VrrpHmacFailure>().Length];
    private readonly long[] _suppressed = new long[Enum.GetValues<VrrpHmacFailure>().Length];

    /// <summary>Null: stay quiet; otherwise log now, with the count of lines left out since the last one.</summary>
    public long? Record(VrrpHmacFailure reason)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var i = (int)reason;
            if (_last[i] != default && now - _last[i] < Quiet)
            {
                _suppressed[i]++;
                return null;
            }

            _last[i] = now;
            var suppressed = _suppressed[i];
            _suppressed[i] = 0;
            return suppressed;
        }
    }
}
