using HaDirector.Director.Hosting;

namespace HaDirector.Director.Tests.Hosting;

public sealed class MemoryTrimTests
{
    private const string Image = "/usr/local/bin/hadirector";

    // Abridged /proc/self/smaps of the Native AOT daemon: its four mappings (constants, code, RELRO written by the loader
    // and then protected, data), the anonymous heap after it, and libc's code.
    private const string Smaps = """
        55f0a0000000-55f0a001c000 r--p 00000000 08:01 1234                       /usr/local/bin/hadirector
        Size:                112 kB
        Rss:                 112 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me dw sd
        55f0a001c000-55f0a07ea000 r-xp 0001c000 08:01 1234                       /usr/local/bin/hadirector
        Rss:                7556 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me dw sd
        55f0a0f89000-55f0a0f8b000 r--p 00f88000 08:01 1234                       /usr/local/bin/hadirector
        Rss:                   8 kB
        Anonymous:             8 kB
        VmFlags: rd mr mw me ac sd
        55f0a0f8b000-55f0a0fc1000 rw-p 00f8a000 08:01 1234                       /usr/local/bin/hadirector
        Rss:                 216 kB
        Anonymous:           108 kB
        VmFlags: rd wr mr mw me ac sd
        55f0a0fc1000-55f0a1400000 rw-p 00000000 00:00 0
        Rss:                4352 kB
        Anonymous:          4352 kB
        7f1c2a228000-7f1c2a3bd000 r-xp 00028000 08:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1240 kB
        Anonymous:             0 kB
        """;

    [Fact]
    public void CleanImageRanges_TheDaemonsMappings_OnlyItsUnwrittenReadOnlyOnes()
    {
        var ranges = MemoryTrim.CleanImageRanges(Smaps, Image);

        Assert.Equal([(0x55f0a0000000UL, 0x1c000UL), (0x55f0a001c000UL, 0x7ce000UL)], ranges);
    }

    [Fact]
    public void CleanImageRanges_AnotherPath_Nothing() =>
        Assert.Empty(MemoryTrim.CleanImageRanges(Smaps, "/usr/local/bin/hadirector (deleted)"));
}
