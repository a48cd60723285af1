using System.Net;
using HaDirector.Director.Announce;

namespace HaDirector.Director.Tests.Announce;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MaintenanceStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hd-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private MaintenanceStore Store => new(Path.Combine(_directory, "state", "announce-maintenance"));

    [Fact]
    public void SaveThenLoad_DirectorAndVips_RoundTripsCreatingTheDirectory()
    {
        var state = new MaintenanceState(true, new HashSet<IPAddress> { IPAddress.Parse("198.18.10.80"), IPAddress.Parse("2001:db8:10::80") });

        Assert.Null(Store.Save(state));
        var loaded = Store.Load(out var problem);

        Assert.Null(problem);
        Assert.True(loaded.Director);
        Assert.Equal(state.Vips.Select(v => v.ToString()).Order(), loaded.Vips.Select(v => v.ToString()).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(Store.Path)!));
    }

    [Fact]
    public void Save_NothingHeld_RemovesTheFile()
    {
        Store.Save(new MaintenanceState(true, new HashSet<IPAddress>()));

        Assert.Null(Store.Save(MaintenanceState.None));

        Assert.False(File.Exists(Store.Path));
        Assert.True(Store.Load(out _).IsNone);
    }

    [Theory]
    [InlineData("vip 198.18.10.300")]
    [InlineData("drained")]
    public void Load_LineItCannotRead_CountsAsTheWholeDirectorHeld(string line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Store.Path)!);
        File.WriteAllText(Store.Path, "# comment\n" + line + "\n");

        var loaded = Store.Load(out var problem);

        Assert.True(loaded.Director);
        Assert.Contains(line, problem);
    }
}
