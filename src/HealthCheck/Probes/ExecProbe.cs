using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// Runs a command through <c>/bin/sh -c</c>: exit 0 is up. With <c>dynamicWeight</c> the exit code also sets
/// the weight as keepalived's misc_dynamic does: 1 is down, 2..255 is up with weight code − 2, 0 keeps the
/// configured weight. The real server is passed as <c>HADIRECTOR_RS_ADDRESS</c>/<c>HADIRECTOR_RS_PORT</c>.
/// </summary>
public sealed class ExecProbe(string command, IPEndPoint realServer, bool dynamicWeight = false) : IProbe
{
    public async ValueTask<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        Process? process = null;
        try
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            // The daemon's own stdout is its log: a check script's chatter must not land there.
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec </dev/null >/dev/null 2>&1\n" + command);
            start.Environment["HADIRECTOR_RS_ADDRESS"] = realServer.Address.ToString();
            start.Environment["HADIRECTOR_RS_PORT"] = realServer.Port.ToString(CultureInfo.InvariantCulture);
            process = Process.Start(start) ?? throw new InvalidOperationException("the command did not start");
            await process.WaitForExitAsync(cancellationToken);
            return Verdict(process.ExitCode, dynamicWeight);
        }
        catch (Exception e)
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }

            return ProbeFailure.From(e, cancellationToken);
        }
        finally
        {
            process?.Dispose();
        }
    }

    public static ProbeResult Verdict(int exitCode, bool dynamicWeight) => exitCode switch
    {
        0 => ProbeResult.Success("exit 0"),
        >= 2 and <= 255 when dynamicWeight => ProbeResult.Success($"exit {exitCode}", WeightReport.Absolute(exitCode - 2)),
        _ => ProbeResult.Failure($"exit {exitCode}"),
    };
}
