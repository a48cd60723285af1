using System.Runtime.CompilerServices;

namespace HaDirector.Linux.Tests.Support;

/// <summary>A fact over the ipvsadm captures; fails (never skips) when they are missing.</summary>
public sealed class IpvsadmFixtureFactAttribute : FactAttribute
{
    public IpvsadmFixtureFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
    }
}
