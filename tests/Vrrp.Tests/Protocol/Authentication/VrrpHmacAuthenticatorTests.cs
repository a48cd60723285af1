using System.Net;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Protocol.Authentication;

public sealed class VrrpHmacAuthenticatorTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.200.1");
    private static readonly IPAddress Other = IPAddress.Parse("198.18.200.3");
    private static readonly VrrpHmacKey Key1 = new(1, Enumerable.Repeat((byte)0x11, 32).ToArray());
    private static readonly VrrpHmacKey Key2 = new(2, Enumerable.Repeat((byte)0x22, 48).ToArray());
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    // The wall clock can be stepped back (NTP, an operator), which FakeTimeProvider refuses: a settable clock.
    private readonly SteppedClock _senderClock = new(DateTimeOffset.Parse("2026-12-07T00:00:00Z"));
    private readonly FakeTimeProvider _receiverClock = new(DateTimeOffset.Parse("2026-12-07T00:00:00Z"));

    private static VrrpHmacSettings Settings(VrrpHmacMode mode = VrrpHmacMode.Enforce, VrrpAntiReplay replay = VrrpAntiReplay.Time,
        byte active = 1, params VrrpHmacKey[] keys) =>
        new(keys.Length == 0 ? [Key1] : keys, active, mode, replay, Window);

    private static byte[] Advert(byte priority = 200, byte vrid = 53, VrrpVersion version = VrrpVersion.V3) =>
        VrrpCodec.Write(new VrrpPacket(version, vrid, priority, [IPAddress.Parse("198.18.201.30")],
            version == VrrpVersion.V2 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100)), Peer, VrrpCodec.MulticastGroup);

    private static byte[] Signed(VrrpHmacAuthenticator signer, byte[] message, IPAddress? source = null)
    {
        var buffer = new byte[message.Length + VrrpHmacTrailer.Length];
        message.CopyTo(buffer, 0);
        var written = signer.Sign(message, buffer.AsSpan(message.Length), source ?? Peer);
        return buffer[..(message.Length + written)];
    }

    private static VrrpHmacFailure Verify(VrrpHmacAuthenticator receiver, byte[] signed, int messageLength, IPAddress? source = null) =>
        receiver.Verify(signed.AsSpan(0, messageLength), signed.AsSpan(messageLength), source ?? Peer);

    [Theory]
    [InlineData(VrrpVersion.V2)]
    [InlineData(VrrpVersion.V3)]
    public void Verify_SignedBySameKey_Accepted(VrrpVersion version)
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert(version: version);

        var signed = Signed(signer, message);

        Assert.Equal(message.Length + 28, signed.Length);
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, signed, message.Length));
        Assert.Equal(Peer, receiver.LastVerified?.Source);
        Assert.Equal((byte)1, receiver.LastVerified?.KeyId);
    }

    [Fact]
    public void Sign_PriorityZero_CarriesTrailer()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);

        var signed = Signed(signer, Advert(priority: 0));

        Assert.Equal(VrrpHmacTrailer.Length, signed.Length - Advert(priority: 0).Length);
    }

    [Fact]
    public void Sign_ReceiveOnly_WritesNoTrailer()
    {
        var signer = new VrrpHmacAuthenticator(Settings(VrrpHmacMode.ReceiveOnly), _senderClock);

        Assert.Equal(0, signer.TrailerLength);
        Assert.Equal(Advert().Length, Signed(signer, Advert()).Length);
    }

    [Fact]
    public void Verify_ForgedPriority_BadHmacAndCounted()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert(priority: 100);
        var signed = Signed(signer, message);

        signed[2] = 255;

        Assert.Equal(VrrpHmacFailure.BadHmac, Verify(receiver, signed, message.Length));
        Assert.Equal(1, receiver.Failures(VrrpHmacFailure.BadHmac));
        Assert.Null(receiver.LastVerified);
    }

    [Fact]
    public void Verify_SameIdOtherKeyBytes_BadHmac()
    {
        var attacker = new VrrpHmacAuthenticator(Settings(keys: new VrrpHmacKey(1, new byte[32])), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert(priority: 255);

        Assert.Equal(VrrpHmacFailure.BadHmac, Verify(receiver, Signed(attacker, message), message.Length));
    }

    [Fact]
    public void Verify_KeyIdNotConfigured_UnknownKey()
    {
        var signer = new VrrpHmacAuthenticator(Settings(active: 2, keys: Key2), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();

        Assert.Equal(VrrpHmacFailure.UnknownKey, Verify(receiver, Signed(signer, message), message.Length));
    }

    [Fact]
    public void Verify_ValidTrailerFromAnotherVrid_BadHmac()
    {
        // The pseudo-header binds the VRID: an advert of VRID 52 relabelled as 53 does not verify, even with a shared key.
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert(vrid: 52);
        var signed = Signed(signer, message);

        signed[1] = 53;

        Assert.Equal(VrrpHmacFailure.BadHmac, Verify(receiver, signed, message.Length));
    }

    [Fact]
    public void Verify_OtherSourceAddress_BadHmac()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();

        Assert.Equal(VrrpHmacFailure.BadHmac, Verify(receiver, Signed(signer, message), message.Length, Other));
    }

    [Theory]
    [InlineData(VrrpHmacMode.Enforce, VrrpHmacFailure.MissingTrailer)]
    [InlineData(VrrpHmacMode.Permissive, VrrpHmacFailure.None)]
    [InlineData(VrrpHmacMode.ReceiveOnly, VrrpHmacFailure.None)]
    public void Verify_NoTrailer_DependsOnMode(VrrpHmacMode mode, VrrpHmacFailure expected)
    {
        var receiver = new VrrpHmacAuthenticator(Settings(mode), _receiverClock);

        Assert.Equal(expected, receiver.Verify(Advert(), [], Peer));
        Assert.Equal(expected == VrrpHmacFailure.None ? 1 : 0, receiver.AcceptedWithoutTrailer);
    }

    [Theory]
    [InlineData(VrrpHmacMode.Permissive)]
    [InlineData(VrrpHmacMode.ReceiveOnly)]
    public void Verify_MigrationModeBadTrailer_StillRefused(VrrpHmacMode mode)
    {
        var attacker = new VrrpHmacAuthenticator(Settings(keys: new VrrpHmacKey(1, new byte[32])), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(mode), _receiverClock);
        var message = Advert();

        Assert.Equal(VrrpHmacFailure.BadHmac, Verify(receiver, Signed(attacker, message), message.Length));
    }

    [Fact]
    public void Verify_SameAdvertTwice_SecondReplayed()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var signed = Signed(signer, message);

        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, signed, message.Length));
        Assert.Equal(VrrpHmacFailure.Replayed, Verify(receiver, signed, message.Length));
        Assert.Equal(1, receiver.Failures(VrrpHmacFailure.Replayed));
    }

    [Fact]
    public void Verify_OlderAdvertAfterNewer_Replayed()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var first = Signed(signer, message);
        _senderClock.Advance(TimeSpan.FromMilliseconds(100));
        var second = Signed(signer, message);

        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, second, message.Length));
        Assert.Equal(VrrpHmacFailure.Replayed, Verify(receiver, first, message.Length));
    }

    [Fact]
    public void Verify_CaptureReplayedAfterWindow_Stale()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var captured = Signed(signer, message);

        _receiverClock.Advance(Window + TimeSpan.FromSeconds(1));

        Assert.Equal(VrrpHmacFailure.Stale, Verify(receiver, captured, message.Length));
        Assert.Equal(1, receiver.Failures(VrrpHmacFailure.Stale));
    }

    [Theory]
    [InlineData(5, VrrpHmacFailure.None)]
    [InlineData(-5, VrrpHmacFailure.None)]
    [InlineData(6, VrrpHmacFailure.Stale)]
    [InlineData(-6, VrrpHmacFailure.Stale)]
    public void Verify_SenderClockOffset_AcceptedWithinWindowOnly(int offsetSeconds, VrrpHmacFailure expected)
    {
        _senderClock.Advance(TimeSpan.FromSeconds(100 + offsetSeconds));
        _receiverClock.Advance(TimeSpan.FromSeconds(100));
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();

        Assert.Equal(expected, Verify(receiver, Signed(signer, message), message.Length));
    }

    [Fact]
    public void Verify_MonotonicOldTimestamp_AcceptedWhileGrowing()
    {
        _senderClock.Advance(TimeSpan.FromDays(-30));
        var signer = new VrrpHmacAuthenticator(Settings(replay: VrrpAntiReplay.Monotonic), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(replay: VrrpAntiReplay.Monotonic), _receiverClock);
        var message = Advert();
        var first = Signed(signer, message);
        var second = Signed(signer, message);

        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, first, message.Length));
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, second, message.Length));
        Assert.Equal(VrrpHmacFailure.Replayed, Verify(receiver, first, message.Length));
    }

    [Fact]
    public void Sign_SameClockTick_SequenceGrowsByCounter()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var message = Advert();

        var first = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));
        var second = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));

        Assert.Equal(first.Sequence + 1, second.Sequence);
        Assert.Equal(1796601600u, first.Seconds);
    }

    [Fact]
    public void Sign_ClockSteppedBackBeyondWindow_TimeModeRestartsFromClock()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var message = Advert();
        var before = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));

        _senderClock.Advance(TimeSpan.FromSeconds(-60));
        var after = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));

        // Receivers with a correct clock accept it (a sequence a minute ahead would be stale for them).
        Assert.Equal(before.Seconds - 60, after.Seconds);
    }

    [Fact]
    public void Sign_ClockSteppedBackMonotonic_SequenceKeepsGrowing()
    {
        var signer = new VrrpHmacAuthenticator(Settings(replay: VrrpAntiReplay.Monotonic), _senderClock);
        var message = Advert();
        var before = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));

        _senderClock.Advance(TimeSpan.FromSeconds(-60));
        var after = VrrpHmacTrailer.Read(Signed(signer, message).AsSpan(message.Length));

        Assert.Equal(before.Sequence + 1, after.Sequence);
    }

    [Fact]
    public void Verify_SenderClockCorrectedBack_RecoversOnceMarkLeavesWindow()
    {
        // The sender ran 4 s fast (within the window), then its clock was corrected: its new adverts are older than the
        // mark, refused as replays only until the mark itself is outside the window.
        _senderClock.Advance(TimeSpan.FromSeconds(4));
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, Signed(signer, message), message.Length));

        var restarted = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        Assert.Equal(VrrpHmacFailure.Replayed, Verify(receiver, Signed(restarted, message), message.Length));

        _receiverClock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, Signed(restarted, message), message.Length));
    }

    [Fact]
    public void Verify_ReceiverClockSteppedForward_FreshAdvertsStillAccepted()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, Signed(signer, message), message.Length));

        _receiverClock.Advance(TimeSpan.FromHours(1));
        _senderClock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, Signed(signer, message), message.Length));
    }

    [Fact]
    public void Verify_TwoSenders_MarksKeptApart()
    {
        var a = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var b = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var fromA = Signed(a, message, Peer);
        _senderClock.Advance(TimeSpan.FromMilliseconds(10));
        var fromB = Signed(b, message, Other);

        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, fromB, message.Length, Other));
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, fromA, message.Length, Peer));
    }

    [Fact]
    public void Update_RotationAddMoveRemove_EveryAdvertAccepted()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        VrrpHmacFailure Step()
        {
            _senderClock.Advance(TimeSpan.FromMilliseconds(100));
            _receiverClock.Advance(TimeSpan.FromMilliseconds(100));
            return Verify(receiver, Signed(signer, message), message.Length);
        }

        Assert.Equal(VrrpHmacFailure.None, Step());
        receiver.Update(Settings(active: 1, keys: [Key1, Key2]));
        signer.Update(Settings(active: 1, keys: [Key1, Key2]));
        Assert.Equal(VrrpHmacFailure.None, Step());
        signer.Update(Settings(active: 2, keys: [Key1, Key2]));
        Assert.Equal(VrrpHmacFailure.None, Step());
        receiver.Update(Settings(active: 2, keys: [Key1, Key2]));
        receiver.Update(Settings(active: 2, keys: [Key2]));
        signer.Update(Settings(active: 2, keys: [Key2]));
        Assert.Equal(VrrpHmacFailure.None, Step());
        Assert.Equal((byte)2, receiver.LastVerified?.KeyId);
    }

    [Fact]
    public void Update_NewKeys_ReplayMarksKept()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var signed = Signed(signer, message);
        Assert.Equal(VrrpHmacFailure.None, Verify(receiver, signed, message.Length));

        receiver.Update(Settings(keys: [Key1, Key2]));

        Assert.Equal(VrrpHmacFailure.Replayed, Verify(receiver, signed, message.Length));
    }

    [Fact]
    public void Verify_ReservedNotZero_Malformed()
    {
        var signer = new VrrpHmacAuthenticator(Settings(), _senderClock);
        var receiver = new VrrpHmacAuthenticator(Settings(), _receiverClock);
        var message = Advert();
        var signed = Signed(signer, message);

        signed[message.Length + 3] = 1;

        Assert.Equal(VrrpHmacFailure.Malformed, Verify(receiver, signed, message.Length));
    }

    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan delta) => _now += delta;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
