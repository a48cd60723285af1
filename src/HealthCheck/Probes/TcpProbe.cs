using System.Buffers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HaDirector.HealthCheck.Scheduling;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// TCP connect; optionally sends bytes and waits for a reply matching <c>expect</c> (like keepalived's
/// TCP_CHECK, plus HAProxy's tcp-check send/expect for protocols that greet or echo).
/// </summary>
/// <param name="engine">Runs the plain connect (no send, no expect).</param>
public sealed class TcpProbe(ProbeEndpoint endpoint, ConnectEngine engine, ReadOnlyMemory<byte> send = default, Regex? expect = null) : IProbe
{
    /// <summary>Enough for any greeting or status line; a pattern further in is a misconfiguration.</summary>
    public const int ReadLimit = 4096;

    /// <summary>A plain connect runs on the engine's thread under a scheduler; a conversation is the scheduler's to start.</summary>
    public RoundEngine? Engine => send.IsEmpty && expect is null ? engine : null;

    /// <summary>Where it connects, for the engine's lane.</summary>
    internal ProbeEndpoint Endpoint => endpoint;

    public ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        if (!send.IsEmpty || expect is not null)
        {
            return ConverseAsync(cancellationToken);
        }

        // The check at scale (keepalived's TCP_CHECK): a connect and a reset, on the connect loop.
        try
        {
            return engine.ConnectAsync(endpoint, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromResult(ProbeFailure.From(e, cancellationToken));
        }
    }

    private async ValueTask<ProbeResult> ConverseAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await ProbeSocket.ConnectAsync(endpoint, cancellationToken);
            if (!send.IsEmpty)
            {
                await socket.SendAsync(send, SocketFlags.None, cancellationToken);
            }

            if (expect is null)
            {
                // Sent bytes with nothing to wait for may still be unsent: a normal close lets them go.
                return ProbeResult.Success(ProbeReasons.Connected);
            }

            var result = await ExpectAsync(socket, expect, cancellationToken);
            ProbeSocket.ResetOnClose(socket);
            return result;
        }
        catch (Exception e)
        {
            return ProbeFailure.From(e, cancellationToken);
        }
    }

    private static async ValueTask<ProbeResult> ExpectAsync(Socket socket, Regex expect, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadLimit);
        try
        {
            var matched = false;
            var read = await ProbeSocket.ReadAsync(
                socket, buffer.AsMemory(0, ReadLimit), bytes => matched = TextPattern.IsMatch(expect, bytes.Span), cancellationToken);
            return matched ? ProbeResult.Success("reply matched")
                : read == 0 ? ProbeResult.Failure(ProbeReasons.ClosedEarly)
                : ProbeResult.Failure(ProbeReasons.ExpectMismatch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
