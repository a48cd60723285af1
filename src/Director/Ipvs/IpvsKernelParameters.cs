using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Ipvs;

/// <summary>
/// The namespace's IPVS sysctls a director needs for its promises, set at start and on every reload (only
/// when they differ): <c>expire_nodest_conn</c> (<see cref="IpvsConfig.ExpireNodestConn"/>) and the first value
/// of <c>sync_threshold</c> (<see cref="SyncDaemonConfig.SyncThreshold"/>, keeping the period). A value that
/// cannot be set is logged, listed in <see cref="Unapplied"/> (status) and counted in <see cref="FailedWrites"/>
/// (metrics), and the daemon goes on: these improve failure handling, they are not needed to forward.
/// </summary>
public sealed partial class IpvsKernelParameters(ISysctls sysctls, ILogger<IpvsKernelParameters> logger)
{
    public const string ExpireNodestConn = "expire_nodest_conn";
    public const string SyncThreshold = "sync_threshold";
    public const string SyncVersion = "sync_version";

    /// <summary>Per network namespace, and present only once ip_vs is loaded.</summary>
    private const string Directory = "net/ipv4/vs/";

    private IReadOnlyList<UnappliedSetting> _unapplied = [];
    private long _failedWrites;

    /// <summary>The settings the last <see cref="Apply"/> could not put in effect (empty when all are).</summary>
    public IReadOnlyList<UnappliedSetting> Unapplied => Volatile.Read(ref _unapplied);

    /// <summary>Every setting that could not be put in effect, since start (each <see cref="Apply"/> counts again).</summary>
    public long FailedWrites => Interlocked.Read(ref _failedWrites);

    /// <param name="carriesIpv6">
    /// Some service is IPv6: the sync daemon must speak protocol version 1, since version 0 carries only IPv4
    /// connections (ip_vs_sync.c drops the others). The directory's name is historical: every value here applies
    /// to IPv6 services and connections as well.
    /// </param>
    public void Apply(IpvsConfig config, bool carriesIpv6 = false)
    {
        var unapplied = new List<UnappliedSetting>();
        if (config.ExpireNodestConn)
        {
            Ensure(ExpireNodestConn, "1", current => current == "1" ? null : "1", unapplied);
        }

        if (config.SyncDaemon is { } sync)
        {
            Ensure(SyncThreshold, sync.SyncThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
                current => ThresholdValue(current, sync.SyncThreshold), unapplied);
            if (carriesIpv6)
            {
                Ensure(SyncVersion, "1", current => current.Trim() == "1" ? null : "1", unapplied);
            }
        }

        Volatile.Write(ref _unapplied, unapplied);
    }

    /// <summary>The configuration asks for no setting any more (no virtual server, no sync daemon).</summary>
    public void Clear() => Volatile.Write(ref _unapplied, []);

    /// <summary>The dotted name operators know from sysctl(8) and /etc/sysctl.d.</summary>
    public static string DottedName(string name) => (Directory + name).Replace('/', '.');

    /// <summary>"threshold period" with the wanted threshold, null if already so; the kernel refuses a threshold not below a non-zero period.</summary>
    private static string? ThresholdValue(string current, int wanted)
    {
        var values = current.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (values.Length != 2 || !int.TryParse(values[0], out var threshold) || !int.TryParse(values[1], out var period))
        {
            throw new FormatException($"unexpected value '{current}', expected 'threshold period'");
        }

        if (threshold == wanted)
        {
            return null;
        }

        return period != 0 && wanted >= period
            ? throw new FormatException($"{wanted} is not below the sync period {period} (its second value)")
            : $"{wanted} {period}";
    }

    private void Ensure(string name, string wanted, Func<string, string?> change, List<UnappliedSetting> unapplied)
    {
        try
        {
            var current = sysctls.Read(Directory + name);
            if (change(current) is { } value)
            {
                sysctls.Write(Directory + name, value);
                LogSet(logger, name, value, current);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogSetFailed(logger, name, wanted, ex.Message);
            unapplied.Add(new UnappliedSetting(DottedName(name), wanted, ex.Message));
            Interlocked.Increment(ref _failedWrites);
        }
    }
}
