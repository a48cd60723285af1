using HaDirector.Director.Tests.Ipvs;
using Microsoft.Extensions.Logging;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>Every logger it creates writes to one <see cref="RecordingLogger{T}"/>, whatever its category.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public RecordingLogger<RecordingLoggerFactory> Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
