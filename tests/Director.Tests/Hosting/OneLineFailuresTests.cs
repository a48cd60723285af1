using System.Net.Sockets;
using HaDirector.Director.Hosting;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>An expected failure that repeats (a send every advert interval) is one line, not one per attempt.</summary>
public sealed class OneLineFailuresTests
{
    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("{Instance}: a host action failed: {Error}");

    private readonly Capture _capture = new();
    private readonly OneLineFailures _sink;

    public OneLineFailuresTests()
    {
        _sink = new OneLineFailures(_capture, traces: false);
    }

    private static LogEvent SendFailed(DateTimeOffset at, string error = "Network is unreachable", Exception? exception = null) =>
        new(at, LogEventLevel.Error, exception ?? new SocketException(101), Template,
        [
            new LogEventProperty("SourceContext", new ScalarValue("HaDirector.Vrrp.web")),
            new LogEventProperty("Instance", new ScalarValue("web")),
            new LogEventProperty("Error", new ScalarValue(error)),
        ]);

    [Fact]
    public void Emit_SameSendFailureEvery100msForAMinute_OneLine()
    {
        for (var i = 0; i < 600; i++)
        {
            _sink.Emit(SendFailed(Start.AddMilliseconds(100 * i)));
        }

        var line = Assert.Single(_capture.Events);
        Assert.Null(line.Exception);
    }

    [Fact]
    public void Emit_InterfaceMissing_OneLineWithTheReasonAndNoTrace()
    {
        var missing = new HaDirector.Director.Kernel.HostConditionException("interface 'eth9' (vrrp.instances[].interface) does not exist");

        _sink.Emit(SendFailed(Start, "interface 'eth9' (vrrp.instances[].interface) does not exist", missing));

        var line = Assert.Single(_capture.Events);
        Assert.Null(line.Exception);
        Assert.Contains("eth9", line.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_TheErrorChanges_TheNewOneIsLogged()
    {
        _sink.Emit(SendFailed(Start));
        _sink.Emit(SendFailed(Start.AddSeconds(1)));
        _sink.Emit(SendFailed(Start.AddSeconds(2), "No buffer space available"));

        Assert.Equal(2, _capture.Events.Count);
        Assert.Contains("No buffer space", _capture.Events[1].RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Emit_StillFailingAfterTheRepeatTime_LoggedAgainWithHowOftenMeanwhile()
    {
        _sink.Emit(SendFailed(Start));
        for (var i = 1; i <= 5; i++)
        {
            _sink.Emit(SendFailed(Start.AddSeconds(i)));
        }

        _sink.Emit(SendFailed(Start + OneLineFailures.RepeatAfter));

        Assert.Equal(2, _capture.Events.Count);
        Assert.Equal("\" (the same 5 more time(s) since it was last logged)\"", _capture.Events[1].Properties[OneLineFailures.RepeatedProperty].ToString());
    }

    [Fact]
    public void Emit_ABugRepeated_EveryTimeWithItsTrace()
    {
        var bug = new InvalidOperationException("a bug");

        _sink.Emit(SendFailed(Start, "a bug", bug));
        _sink.Emit(SendFailed(Start.AddSeconds(1), "a bug", bug));

        Assert.Equal(2, _capture.Events.Count);
        Assert.All(_capture.Events, e => Assert.Same(bug, e.Exception));
    }
}
