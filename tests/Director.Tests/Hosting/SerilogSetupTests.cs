using HaDirector.Director.Configuration;
using HaDirector.Director.Hosting;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>The daemon's log policy: every line has a category; an expected failure is one line with its reason.</summary>
public sealed class SerilogSetupTests
{
    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }

    private static readonly Exception NoIpvs = new IpvsErrorException(Errno.ENOENT, "IPVS family lookup", null, null);

    private static (Serilog.ILogger Logger, Capture Sink) Create(LogEventLevel minimum = LogEventLevel.Information)
    {
        var sink = new Capture();
        return (SerilogSetup.Create(LogFormat.Text, minimum, sink), sink);
    }

    [Fact]
    public void Create_LineLoggedWithoutACategory_GetsTheProgramsName()
    {
        var (logger, sink) = Create();

        logger.Warning("VRRP timers run with normal scheduling");

        var line = Assert.Single(sink.Events);
        Assert.Equal("\"hadirector\"", line.Properties["SourceContext"].ToString());
    }

    [Fact]
    public void Create_LineFromAnILoggerOfT_KeepsItsCategory()
    {
        var (logger, sink) = Create();
        using var factory = new SerilogLoggerFactory(logger);

        factory.CreateLogger<SerilogSetupTests>().Log(LogLevel.Warning, new EventId(1), "x", null, (m, _) => m);

        Assert.Equal($"\"{typeof(SerilogSetupTests).FullName}\"", Assert.Single(sink.Events).Properties["SourceContext"].ToString());
    }

    [Fact]
    public void Create_ExpectedFailure_OneLineWithTheReasonAndNoStackTrace()
    {
        var (logger, sink) = Create();

        logger.Error(NoIpvs, "IPVS reconcile could not read the kernel table");

        var line = Assert.Single(sink.Events);
        Assert.Null(line.Exception);
        Assert.Equal($"\": {NoIpvs.Message}\"", line.Properties[OneLineFailures.ReasonProperty].ToString());
    }

    [Fact]
    public void Create_ExpectedFailureWhoseMessageSaysTheReason_ReasonNotRepeated()
    {
        var (logger, sink) = Create();

        logger.Error(NoIpvs, "setting the IPVS kernel parameters failed: {Error}", NoIpvs.Message);

        var line = Assert.Single(sink.Events);
        Assert.Null(line.Exception);
        Assert.False(line.Properties.ContainsKey(OneLineFailures.ReasonProperty));
    }

    [Fact]
    public void Create_ExpectedFailureAtDebugLevel_KeepsTheStackTrace()
    {
        var (logger, sink) = Create(LogEventLevel.Debug);

        logger.Error(NoIpvs, "IPVS reconcile could not read the kernel table");

        Assert.Same(NoIpvs, Assert.Single(sink.Events).Exception);
    }

    [Fact]
    public void Create_UnexpectedException_KeepsTheStackTrace()
    {
        var (logger, sink) = Create();
        var bug = new InvalidOperationException("a bug");

        logger.Error(bug, "IPVS reconcile pass failed unexpectedly");

        Assert.Same(bug, Assert.Single(sink.Events).Exception);
    }

    [Fact]
    public void Create_ExpectedFailureWrappedInATask_JudgedByWhatItWraps()
    {
        var (logger, sink) = Create();

        logger.Error(new AggregateException(new System.Net.Sockets.SocketException(101)), "send failed");

        Assert.Null(Assert.Single(sink.Events).Exception);
    }
}
