using System.Diagnostics;
using System.Globalization;
using HaDirector.Linux.Elf;

namespace HaDirector.Linux.Tests.Elf;

public sealed class ElfImageTests
{
    /// <summary>The test host's own executable, as binutils' readelf (which the Native AOT link needs anyway) reads it.</summary>
    [Fact]
    public void Read_OwnExecutable_MatchesReadelf()
    {
        // The path, not /proc/self/exe: readelf would read its own.
        var exe = Environment.ProcessPath!;

        var image = ElfImage.Read(exe);

        var expectedSections = Readelf("-SW", exe)
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^\s*\[\s*[1-9]\d*\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)"))
            .Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, Hex(m.Groups[2].Value), Hex(m.Groups[3].Value)))
            .ToList();
        Assert.NotEmpty(expectedSections);
        Assert.Equal(expectedSections, image.Sections.Where(s => s.Name.Length > 0).Select(s => (s.Name, s.Address, s.Size)));
        var loads = Readelf("-lW", exe).Where(l => l.TrimStart().StartsWith("LOAD", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Hex(f[2][2..]), Hex(f[5][2..])))
            .ToList();
        Assert.NotEmpty(loads);
        Assert.Equal(loads, image.Segments.Where(s => s.Type == ElfSegment.TypeLoad).Select(s => (s.VirtualAddress, s.MemorySize)));
    }

    [Fact]
    public void Read_NotAnElfFile_SaysSoWithThePath()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('x', 100));

            var e = Assert.Throws<InvalidDataException>(() => ElfImage.Read(path));

            Assert.Equal($"{path}: not a 64-bit little-endian ELF file", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_TruncatedFile_SaysWhereItEnds()
    {
        var path = Path.GetTempFileName();
        try
        {
            var head = File.ReadAllBytes(Environment.ProcessPath!).AsSpan(0, 64).ToArray();
            File.WriteAllBytes(path, head);

            var e = Assert.Throws<InvalidDataException>(() => ElfImage.Read(path));

            Assert.StartsWith($"{path}: ELF table at offset ", e.Message, StringComparison.Ordinal);
            Assert.EndsWith(" runs past the end of the file", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string[] Readelf(string option, string path)
    {
        using var p = Process.Start(new ProcessStartInfo("readelf", [option, path]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.Split('\n');
    }
}
