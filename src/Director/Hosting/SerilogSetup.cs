using HaDirector.Director.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace HaDirector.Director.Hosting;

/// <summary>Console logging that reads well in the journal (which stamps time itself) and on a terminal.</summary>
public static class SerilogSetup
{
    public static Serilog.ILogger Create(LogFormat format)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext();
        // Writing to the console happens on a background thread: a takeover must not wait for the journal.
        if (format == LogFormat.Json)
        {
            return configuration.WriteTo.Async(a => a.Console(new CompactJsonFormatter())).CreateLogger();
        }
        // Under systemd stdout is a journal stream (JOURNAL_STREAM is set): journald adds the time.
        var underJournal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null;
        var template = underJournal
            ? "{Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}"
            : "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}";
        return configuration.WriteTo.Async(a => a.Console(outputTemplate: template, standardErrorFromLevel: LogEventLevel.Verbose))
            .CreateLogger();
    }
}
