using System.ComponentModel;
using Serilog.Core;
using Serilog.Events;

namespace HaDirector.Director.Hosting;

/// <summary>
/// One line per error: an expected failure (the host said no: an errno, a socket or file error, a timeout) is
/// logged with its reason and without its stack trace, which says nothing to an operator and only floods the
/// journal; the trace stays for anything else (a bug) and for every failure at debug level. The same expected
/// failure repeated by the same logger (an advert that cannot be sent, every interval) is written once, and
/// again only when its message changes or <see cref="RepeatAfter"/> later, with how often it came meanwhile.
/// </summary>
internal sealed class OneLineFailures(ILogEventSink inner, bool traces) : ILogEventSink
{
    /// <summary>The reason, added when the message does not already say it (the template prints it after the message).</summary>
    public const string ReasonProperty = "ExceptionReason";

    /// <summary>How many times the line came since it was last written; the template prints it after the message.</summary>
    public const string RepeatedProperty = "FailureRepeated";

    /// <summary>A failure that goes on is written again this often, so the log still shows it is not over.</summary>
    public static readonly TimeSpan RepeatAfter = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string? Source, string Template), (string Message, DateTimeOffset Written, int Since)> _last = [];

    public void Emit(LogEvent logEvent)
    {
        var repeated = 0;
        if (logEvent.Exception is { } failure && IsExpected(failure) && Suppressed(logEvent, out repeated))
        {
            return;
        }

        if (repeated > 0)
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty(RepeatedProperty, new ScalarValue($" (the same {repeated} more time(s) since it was last logged)")));
        }

        if (!traces && logEvent.Exception is { } error && IsExpected(error))
        {
            var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value)).ToList();
            var reason = Reason(error);
            if (!logEvent.RenderMessage().Contains(reason, StringComparison.Ordinal))
            {
                properties.Add(new LogEventProperty(ReasonProperty, new ScalarValue($": {reason}")));
            }

            logEvent = new LogEvent(logEvent.Timestamp, logEvent.Level, null, logEvent.MessageTemplate, properties,
                logEvent.TraceId ?? default, logEvent.SpanId ?? default);
        }

        inner.Emit(logEvent);
    }

    /// <summary>True when the same logger wrote this same line less than <see cref="RepeatAfter"/> ago.</summary>
    private bool Suppressed(LogEvent logEvent, out int repeated)
    {
        var key = (logEvent.Properties.GetValueOrDefault(Serilog.Core.Constants.SourceContextPropertyName)?.ToString(), logEvent.MessageTemplate.Text);
        var message = logEvent.RenderMessage();
        lock (_gate)
        {
            if (_last.TryGetValue(key, out var last) && last.Message == message && logEvent.Timestamp - last.Written < RepeatAfter)
            {
                _last[key] = last with { Since = last.Since + 1 };
                repeated = 0;
                return true;
            }

            repeated = last.Message == message ? last.Since : 0;
            _last[key] = (message, logEvent.Timestamp, 0);
            return false;
        }
    }

    /// <summary>What the host answered: errno and I/O errors (netlink, IPVS, sockets, files), access, timeouts.</summary>
    public static bool IsExpected(Exception error) => Innermost(error) is IOException or Win32Exception
        or UnauthorizedAccessException or TimeoutException;

    private static string Reason(Exception error) => Innermost(error).Message;

    /// <summary>A failure wrapped by a task or a host is judged by what it wraps.</summary>
    private static Exception Innermost(Exception error)
    {
        while (error is AggregateException { InnerExceptions.Count: 1 } or TypeInitializationException or System.Reflection.TargetInvocationException
               && error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
