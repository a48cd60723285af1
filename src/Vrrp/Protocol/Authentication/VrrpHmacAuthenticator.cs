using System.Net;
using System.Security.Cryptography;
using HaDirector.Vrrp.Crypto;

namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// One instance's HMAC authentication state (draft-cassen-vrrp-auth-hmac): signs outgoing adverts with a time-based
/// sequence number and verifies received ones, keeping a replay high-water mark per sender. A reload swaps the keys and
/// mode with <see cref="Update"/> and keeps the sequence and the marks, so a key rotation costs no advert.
/// Signing and verifying may run on different threads.
/// </summary>
public sealed class VrrpHmacAuthenticator
{
    private readonly TimeProvider _time;
    private readonly Lock _sendGate = new();
    private readonly Lock _receiveGate = new();
    private readonly Lock _verifyGate = new();

    // HMAC states made once per key (VrrpHmac.Compute): by reference, so a reload's new key
    // object gets its own and the old one's can be let go.
    private readonly Dictionary<VrrpHmacKey, HmacSha256> _verifiers = new(ReferenceEqualityComparer.Instance);
    private HmacSha256? _signHmac;
    private VrrpHmacKey? _signKey;
    private readonly Sender[] _senders;
    private readonly long[] _failures = new long[Enum.GetValues<VrrpHmacFailure>().Length];
    private volatile VrrpHmacSettings _settings;
    private volatile Verified? _lastVerified;
    private long _lastVerifiedAt;
    private ulong _sendSequence;
    private uint _lruClock;
    private long _unauthenticated;

    /// <param name="senders">Replay marks kept: at least the unicast peers; 4 suffice for multicast (more than one
    /// legitimate sender per VRID only during an election).</param>
    public VrrpHmacAuthenticator(VrrpHmacSettings settings, TimeProvider time, int senders = 4)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time;
        _senders = new Sender[Math.Max(4, senders)];
    }

    public VrrpHmacSettings Settings => _settings;

    /// <summary>Bytes appended to each advert sent: none in receive-only mode.</summary>
    public int TrailerLength => _settings.Mode == VrrpHmacMode.ReceiveOnly ? 0 : VrrpHmacTrailer.Length;

    /// <summary>The last sender whose advert verified, and when; null before the first.</summary>
    public (IPAddress Source, DateTimeOffset At, byte KeyId)? LastVerified =>
        _lastVerified is { } v ? (v.Source, new DateTimeOffset(Interlocked.Read(ref _lastVerifiedAt), TimeSpan.Zero), v.KeyId) : null;

    /// <summary>Adverts without a trailer accepted by a migration mode (what is left to roll out before enforce).</summary>
    public long AcceptedWithoutTrailer => Interlocked.Read(ref _unauthenticated);

    public long Failures(VrrpHmacFailure reason) => Interlocked.Read(ref _failures[(int)reason]);

    /// <summary>A reload's keys, active key, mode and window; the send sequence and the replay marks stay.</summary>
    public void Update(VrrpHmacSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        lock (_verifyGate)
        {
            // The HMAC states of keys the reload removed go now (their key material with them).
            foreach (var gone in _verifiers.Keys.Where(k => !settings.Keys.Any(n => ReferenceEquals(n, k))).ToList())
            {
                _verifiers.Remove(gone, out var state);
                state!.Dispose();
            }
        }
    }

    /// <summary>The HMAC state of a key for verifying, made on its first advert. Under <see cref="_verifyGate"/>.</summary>
    private HmacSha256 VerifierOf(VrrpHmacKey key)
    {
        if (!_verifiers.TryGetValue(key, out var state))
        {
            state = key.CreateHmac();
            _verifiers[key] = state;
        }

        return state;
    }

    /// <summary>
    /// Fills <paramref name="trailer"/> (<see cref="VrrpHmacTrailer.Length"/> bytes right after the message) for the VRRP
    /// <paramref name="message"/> sent from <paramref name="source"/>. Returns the bytes written: 0 in receive-only mode.
    /// Sign once per advert: the copies to several unicast peers carry the same trailer (the HMAC skips the checksum).
    /// </summary>
    public int Sign(ReadOnlySpan<byte> message, Span<byte> trailer, IPAddress source)
    {
        var settings = _settings;
        if (settings.Mode == VrrpHmacMode.ReceiveOnly)
        {
            return 0;
        }

        lock (_sendGate)
        {
            var sequence = NextSequence(settings);
            new VrrpHmacTrailer(VrrpHmacTrailer.TypeHmacSha256, settings.ActiveKeyId, 0, sequence).Write(trailer);
            if (settings.Find(settings.ActiveKeyId) is { } key)
            {
                if (!ReferenceEquals(_signKey, key))
                {
                    // A new active key (or a reload's new copy of it): its HMAC state is made once, not per advert.
                    _signHmac?.Dispose();
                    _signHmac = key.CreateHmac();
                    _signKey = key;
                }

                VrrpHmac.Compute(_signHmac!, source, (VrrpVersion)(message[0] >> 4), message[1], message, trailer,
                    trailer.Slice(VrrpHmacTrailer.HmacOffset, VrrpHmacTrailer.HmacLength));
            }
        }

        // Without the active key (configuration refuses that) the zero HMAC fails everywhere: safe.
        return VrrpHmacTrailer.Length;
    }

    /// <summary>
    /// Verifies a received advert: <paramref name="trailer"/> is empty when it carries none. The cheap freshness check runs
    /// before the HMAC so replayed floods cost no digest; the replay mark moves only once the HMAC has verified.
    /// </summary>
    public VrrpHmacFailure Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> trailer, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var settings = _settings;
        var result = Check(settings, message, trailer, source);
        if (result != VrrpHmacFailure.None)
        {
            Interlocked.Increment(ref _failures[(int)result]);
        }
        else if (trailer.IsEmpty)
        {
            Interlocked.Increment(ref _unauthenticated);
        }

        return result;
    }

    private VrrpHmacFailure Check(VrrpHmacSettings settings, ReadOnlySpan<byte> message, ReadOnlySpan<byte> trailer, IPAddress source)
    {
        if (trailer.IsEmpty)
        {
            return settings.Mode == VrrpHmacMode.Enforce ? VrrpHmacFailure.MissingTrailer : VrrpHmacFailure.None;
        }

        if (trailer.Length != VrrpHmacTrailer.Length)
        {
            return VrrpHmacFailure.Malformed;
        }

        var fields = VrrpHmacTrailer.Read(trailer);
        if (fields.Type != VrrpHmacTrailer.TypeHmacSha256 || fields.Reserved != 0)
        {
            return VrrpHmacFailure.Malformed;
        }

        var now = _time.GetUtcNow();
        if (settings.AntiReplay == VrrpAntiReplay.Time && !WithinWindow(now, fields.Seconds, settings.TimeWindow))
        {
            return VrrpHmacFailure.Stale;
        }

        if (settings.Find(fields.KeyId) is not { } key)
        {
            return VrrpHmacFailure.UnknownKey;
        }

        Span<byte> expected = stackalloc byte[VrrpHmacTrailer.HmacLength];
        lock (_verifyGate)
        {
            VrrpHmac.Compute(VerifierOf(key), source, (VrrpVersion)(message[0] >> 4), message[1], message, trailer, expected);
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, trailer.Slice(VrrpHmacTrailer.HmacOffset, VrrpHmacTrailer.HmacLength)))
        {
            return VrrpHmacFailure.BadHmac;
        }

        lock (_receiveGate)
        {
            ref var sender = ref SenderOf(source);
            if (sender.Valid && settings.AntiReplay == VrrpAntiReplay.Time && !WithinWindow(now, (uint)(sender.Sequence >> 32), settings.TimeWindow))
            {
                // A mark outside the window orders only what the window already refuses: forgetting it lets a sender
                // whose clock was stepped back recover.
                sender.Valid = false;
            }

            if (sender.Valid && !VrrpHmacTrailer.After(fields.Sequence, sender.Sequence))
            {
                return VrrpHmacFailure.Replayed;
            }

            sender.Valid = true;
            sender.Sequence = fields.Sequence;
        }

        // The time first: status never shows a sender with the time before its first advert.
        Interlocked.Exchange(ref _lastVerifiedAt, now.UtcTicks);
        if (_lastVerified is not { } last || last.KeyId != fields.KeyId || !last.Source.Equals(source))
        {
            // A new sender or key: not a new object per advert from the same master.
            _lastVerified = new Verified(source, fields.KeyId);
        }
        return VrrpHmacFailure.None;
    }

    private static bool WithinWindow(DateTimeOffset now, uint seconds, TimeSpan window)
    {
        var delta = (int)((uint)now.ToUnixTimeSeconds() - seconds);
        var limit = (long)window.TotalSeconds;
        return delta >= -limit && delta <= limit;
    }

    /// <summary>
    /// The larger of the clock and the last sequence plus one, so it grows even within one clock tick. Time mode restarts
    /// from the clock once the last sequence is more than a window ahead of it (a clock stepped back), since receivers
    /// would refuse it anyway; monotonic mode keeps growing, its only freshness guarantee.
    /// </summary>
    private ulong NextSequence(VrrpHmacSettings settings)
    {
        var clock = VrrpHmacTrailer.ClockSequence(_time.GetUtcNow());
        if (VrrpHmacTrailer.After(clock, _sendSequence))
        {
            _sendSequence = clock;
            return clock;
        }

        var ahead = (int)((uint)(_sendSequence >> 32) - (uint)(clock >> 32));
        _sendSequence = settings.AntiReplay == VrrpAntiReplay.Time && ahead > (long)settings.TimeWindow.TotalSeconds
            ? clock
            : _sendSequence + 1;
        return _sendSequence;
    }

    /// <summary>The mark of a source, taking the least recently used slot for a new one (only after its HMAC verified).</summary>
    private ref Sender SenderOf(IPAddress source)
    {
        if (++_lruClock == 0)
        {
            _lruClock = 1;
        }

        var victim = 0;
        for (var i = 0; i < _senders.Length; i++)
        {
            if (_senders[i].LastUsed != 0 && source.Equals(_senders[i].Source))
            {
                _senders[i].LastUsed = _lruClock;
                return ref _senders[i];
            }

            if (_senders[i].LastUsed < _senders[victim].LastUsed)
            {
                victim = i;
            }
        }

        _senders[victim] = new Sender { Source = source, LastUsed = _lruClock };
        return ref _senders[victim];
    }

    private struct Sender
    {
        public IPAddress? Source;
        public bool Valid;
        public ulong Sequence;
        public uint LastUsed;
    }

    private sealed record Verified(IPAddress Source, byte KeyId);
}
