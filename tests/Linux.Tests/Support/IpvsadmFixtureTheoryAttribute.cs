using System.Runtime.CompilerServices;

namespace HaDirector.Linux.Tests.Support;

/// <summary>A theory over the ipvsadm captures; fails (never skips) when they are missing.</summary>
public sealed class IpvsadmFixtureTheoryAttribute : TheoryAttribute
{
    public IpvsadmFixtureTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
    }
}
