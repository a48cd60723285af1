using System.ComponentModel;
using Serilog.Core;
using Serilog.Events;

namespace HaDirector.Director.Hosting;

/// <summary>
/// One line per error: an expected failure (the host said no: an errno, a socket or file error, a timeout) is
/// logged with its reason and without its stack trace, which says nothing to an operator and only floods the
/// journal; the trace stays for anything else (a bug) and for every failure at debug level.
/// </summary>
internal sealed class OneLineFailures(ILogEventSink inner, bool traces) : ILogEventSink
{
    /// <summary>The reason, added when the message does not already say it (the template prints it after the message).</summary>
    public const string ReasonProperty = "ExceptionReason";

    public void Emit(LogEvent logEvent)
    {
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
