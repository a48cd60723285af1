using HaDirector.Director.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace HaDirector.Director.Hosting;

/// <summary>
/// Console logging (on stderr) that reads well in the journal (which stamps time itself) and on a terminal:
/// one line per event, every line with a category, and a stack trace only for a bug or at debug level
/// (<see cref="OneLineFailures"/>). <c>HADIRECTOR_LOG_LEVEL=debug</c> turns debug on.
/// </summary>
public static class SerilogSetup
{
    public const string LevelVariable = "HADIRECTOR_LOG_LEVEL";

    /// <summary>The category of a line logged without one (the host's own start-up and fatal lines).</summary>
    public const string DefaultSourceContext = "hadirector";

    public static Serilog.ILogger Create(LogFormat format) => Create(format, LevelFromEnvironment(), sink: null);

    /// <param name="sink">Where events go instead of the console (tests).</param>
    internal static Serilog.ILogger Create(LogFormat format, LogEventLevel minimum, ILogEventSink? sink)
    {
        var output = sink ?? Console(format);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With(new CategoryEnricher());
        var policy = new OneLineFailures(output, traces: minimum <= LogEventLevel.Debug);
        // Writing to the console happens on a background thread: a takeover must not wait for the journal.
        return sink is null
            ? configuration.WriteTo.Async(a => a.Sink(policy)).CreateLogger()
            : configuration.WriteTo.Sink(policy).CreateLogger();
    }

    /// <summary><c>HADIRECTOR_LOG_LEVEL</c>: verbose, debug, information (the default), warning, error.</summary>
    public static LogEventLevel LevelFromEnvironment() =>
        Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable(LevelVariable), ignoreCase: true, out var level)
            ? level
            : LogEventLevel.Information;

    private static Logger Console(LogFormat format)
    {
        var console = new LoggerConfiguration().MinimumLevel.Verbose();
        if (format == LogFormat.Json)
        {
            return console.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger();
        }

        // Under systemd stderr is a journal stream (JOURNAL_STREAM is set): journald adds the time.
        var underJournal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null;
        var template = underJournal
            ? "{Level:u3} {SourceContext}: {Message:lj}{ExceptionReason}{FailureRepeated}{NewLine}{Exception}"
            : "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{ExceptionReason}{FailureRepeated}{NewLine}{Exception}";
        return console.WriteTo.Console(outputTemplate: template, standardErrorFromLevel: LogEventLevel.Verbose).CreateLogger();
    }

    /// <summary>A line logged through Serilog's root logger has no category: name it, never print an empty one.</summary>
    private sealed class CategoryEnricher : ILogEventEnricher
    {
        private static readonly LogEventProperty Property = new(Constants.SourceContextPropertyName, new ScalarValue(DefaultSourceContext));

        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) => logEvent.AddPropertyIfAbsent(Property);
    }
}
