using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>
/// deploy/deb/build on the published binary, checked as a user and lintian see the .deb (the install, upgrade and
/// the unit under systemd are deploy/deb/test's, in the test VM).
/// </summary>
public sealed class DebPackageTests : IClassFixture<DebPackageTests.Package>
{
    private readonly Package _package;

    public DebPackageTests(Package package) => _package = package;

    /// <summary>Builds the package once for the class, from the deploy tests' publish.</summary>
    public sealed class Package : IDisposable
    {
        public Package()
        {
            var published = new PublishedBinary();
            Output = Directory.CreateTempSubdirectory("hd-deb-").FullName;
            var build = Shell.RunWithTimeout(TimeSpan.FromMinutes(5), Repository.File("deploy", "deb", "build"), Output, "--from", published.Directory);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"deploy/deb/build failed ({build.ExitCode}):\n{build.Stdout}\n{build.Stderr}");
            }

            Deb = build.Stdout.Trim();
            Version = Shell.Check(Path.Combine(published.Directory, "hadirector"), "--version").Trim();
            Tree = Path.Combine(Output, "tree");
            Shell.Check("dpkg-deb", "-x", Deb, Tree);
        }

        public string Output { get; }

        public string Deb { get; }

        public string Tree { get; }

        /// <summary>What the packaged binary prints for --version.</summary>
        public string Version { get; }

        public string Field(string name) => Shell.Check("dpkg-deb", "-f", Deb, name).Trim();

        public void Dispose() => Directory.Delete(Output, recursive: true);
    }

    [Fact]
    public void Build_NameAndVersion_FromTheBinarysVersion()
    {
        var upstream = _package.Version.Split('+')[0];

        Assert.Equal($"hadirector_{upstream}-1_amd64.deb", Path.GetFileName(_package.Deb));
        Assert.Equal($"{upstream}-1", _package.Field("Version"));
    }

    [Fact]
    public void Lintian_NoErrorsAndNoWarningsLeft()
    {
        var lintian = Shell.RunWithTimeout(TimeSpan.FromMinutes(5), "lintian", "--fail-on", "error,warning", _package.Deb);

        Assert.True(lintian.ExitCode == 0, lintian.Stdout + lintian.Stderr);
        Assert.DoesNotContain("E: ", lintian.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("W: ", lintian.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_DependsOnLibcOnly_RecommendsIpvsadmAndOpenSsl()
    {
        Assert.Matches(@"^libc6 \(>= 2\.\d+\)$", _package.Field("Depends"));
        Assert.Equal("ipvsadm, libssl3 | libssl3t64", _package.Field("Recommends"));
    }

    [Theory]
    [InlineData("usr/sbin/hadirector")]
    [InlineData("lib/systemd/system/hadirector.service")]
    [InlineData("etc/hadirector/hadirector.yaml")]
    [InlineData("usr/lib/modules-load.d/hadirector.conf")]
    [InlineData("usr/share/doc/hadirector/README.md")]
    [InlineData("usr/share/doc/hadirector/copyright")]
    [InlineData("usr/share/doc/hadirector/changelog.Debian.gz")]
    [InlineData("usr/share/doc/hadirector/examples/lb1.yaml")]
    [InlineData("usr/share/man/man8/hadirector.8.gz")]
    [InlineData("usr/share/man/man5/hadirector.yaml.5.gz")]
    [InlineData("usr/share/bash-completion/completions/hadirector")]
    public void Contents_HoldTheFile(string path)
    {
        Assert.True(File.Exists(Path.Combine(_package.Tree, path)), path + " is missing");
    }

    [Fact]
    public void Conffile_TheCommentedExampleOnly()
    {
        Assert.Equal("/etc/hadirector/hadirector.yaml", Shell.Check("dpkg-deb", "--info", _package.Deb, "conffiles").Trim());
        var lines = File.ReadAllLines(Path.Combine(_package.Tree, "etc", "hadirector", "hadirector.yaml"));
        Assert.All(lines, l => Assert.StartsWith("#", l, StringComparison.Ordinal));
        Assert.Contains("#   instances:", lines);
    }

    [Fact]
    public void Unit_RunsThePackagedBinaryAndVerifies()
    {
        var unit = File.ReadAllText(Path.Combine(_package.Tree, "lib", "systemd", "system", "hadirector.service"));

        Assert.Contains("\nExecStart=/usr/sbin/hadirector run --config /etc/hadirector/hadirector.yaml\n", unit, StringComparison.Ordinal);
        Assert.Contains("\nDocumentation=man:hadirector(8) man:hadirector.yaml(5)\n", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("/usr/local", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void ManPages_MadeFromTheDocs()
    {
        var page = Render(Path.Combine(_package.Tree, "usr", "share", "man", "man8", "hadirector.8.gz"));
        var yaml = Render(Path.Combine(_package.Tree, "usr", "share", "man", "man5", "hadirector.yaml.5.gz"));

        Assert.Contains("hadirector - high-availability LVS direct-routing director", page, StringComparison.Ordinal);
        Assert.Contains("\nFinding the daemon\n", page, StringComparison.Ordinal); // a section of docs/cli.md
        Assert.Contains("expireNodestConn", yaml, StringComparison.Ordinal); // a key of docs/configuration.md
    }

    /// <summary>The page as man shows it, without the overstrike that marks bold and underline off a terminal.</summary>
    private static string Render(string page) =>
        System.Text.RegularExpressions.Regex.Replace(Shell.Check("man", "-l", "-Tutf8", page), ".\b", "");

    [Fact]
    public void Completion_TheBinarysOwnScript()
    {
        var packaged = File.ReadAllText(Path.Combine(_package.Tree, "usr", "share", "bash-completion", "completions", "hadirector"));

        Assert.Equal(Shell.Check(Path.Combine(_package.Tree, "usr", "sbin", "hadirector"), "completion", "bash"), packaged);
        Assert.Contains("complete -F _hadirector hadirector", packaged, StringComparison.Ordinal);
    }
}
