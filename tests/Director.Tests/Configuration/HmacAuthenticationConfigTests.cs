using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Tests.Configuration;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HmacAuthenticationConfigTests : IDisposable
{
    private const string Secret = "correct-horse-battery-staple-0123456789";
    private const string HexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private readonly string _directory = Directory.CreateTempSubdirectory("hmac-config-").FullName;

    private static string Instance(string authentication, string extra = "") => ConfigLoaderTests.Minimal + extra + "\n      authentication: " + authentication + "\n";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadFromText_HmacWithHexAndAsciiKeys_ReadsSettings()
    {
        var result = ConfigLoader.LoadFromText(Instance(
            $"{{ type: hmac, keys: [{{ id: 1, key: 'hex:{HexKey}' }}, {{ id: 2, key: '{Secret}' }}], activeKey: 2, mode: permissive, antiReplay: monotonic, timeWindow: 30s }}"),
            "t.yaml");

        Assert.Empty(result.Errors);
        var hmac = result.Config!.Vrrp.Instances[0].Hmac!;
        Assert.Equal([1, 2], hmac.Keys.Select(k => (int)k.Id));
        Assert.Equal(new VrrpHmacKey(1, Convert.FromHexString(HexKey)), hmac.Keys[0]);
        Assert.Equal(new VrrpHmacKey(2, System.Text.Encoding.ASCII.GetBytes(Secret)), hmac.Keys[1]);
        Assert.Equal(2, hmac.ActiveKeyId);
        Assert.Equal(VrrpHmacMode.Permissive, hmac.Mode);
        Assert.Equal(VrrpAntiReplay.Monotonic, hmac.AntiReplay);
        Assert.Equal(TimeSpan.FromSeconds(30), hmac.TimeWindow);
    }

    [Fact]
    public void LoadFromText_HmacDefaults_EnforceTimeAndKeepalivedWindow()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}], activeKey: 1 }}", "\n      advertInterval: 100ms"), "t.yaml");

        var hmac = result.Config!.Vrrp.Instances[0].Hmac!;
        Assert.Equal(VrrpHmacMode.Enforce, hmac.Mode);
        Assert.Equal(VrrpAntiReplay.Time, hmac.AntiReplay);
        Assert.Equal(TimeSpan.FromSeconds(5), hmac.TimeWindow);
        Assert.Equal(VrrpAuthenticationNone(), result.Config.Vrrp.Instances[0].Authentication.Type);
    }

    private static HaDirector.Vrrp.Protocol.VrrpAuthType VrrpAuthenticationNone() => HaDirector.Vrrp.Protocol.VrrpAuthType.None;

    [Fact]
    public void LoadFromText_KeyTooShort_ErrorAtTheKeyWithoutTheSecret()
    {
        var result = ConfigLoader.LoadFromText(Instance("{ type: hmac, keys: [{ id: 1, key: short-secret-xyz }], activeKey: 1 }"), "t.yaml");

        var error = Assert.Single(result.Errors).ToString();
        Assert.Equal("t.yaml:8:58: vrrp.instances[0].authentication.keys[0].key: key 1 is 16 bytes; an HMAC key is 32..64 bytes", error);
        Assert.DoesNotContain("short-secret", error);
    }

    [Fact]
    public void LoadFromText_KeyTooLong_Error()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: 'hex:{HexKey}{HexKey}00' }}], activeKey: 1 }}"), "t.yaml");

        Assert.Contains("key 1 is 65 bytes", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void LoadFromText_UnknownActiveKey_ErrorAtActiveKey()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}], activeKey: 3 }}"), "t.yaml");

        var error = Assert.Single(result.Errors).ToString();
        Assert.StartsWith("t.yaml:8:", error);
        Assert.Contains("vrrp.instances[0].authentication.activeKey: key 3 is not among the keys (1)", error);
        Assert.DoesNotContain(Secret, error);
    }

    [Fact]
    public void LoadFromText_DuplicateKeyId_Error()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}, {{ id: 1, key: 'hex:{HexKey}' }}], activeKey: 1 }}"), "t.yaml");

        Assert.Contains("keys[1].id: key id 1 is already used", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void LoadFromText_KeyGivenAsList_ErrorWithoutQuotingIt()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: ['{Secret}'], activeKey: 1 }}"), "t.yaml");

        Assert.All(result.Errors, e => Assert.DoesNotContain(Secret, e.ToString()));
        Assert.Contains(result.Errors, e => e.ToString().Contains("keys[0]: expected a mapping of id, key"));
    }

    [Fact]
    public void LoadFromText_KeyFile_ReadsItAndTrimsTheNewline()
    {
        var path = Path.Combine(_directory, "vrrp-key");
        File.WriteAllText(path, $"hex:{HexKey}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 4, key: 'file:{path}' }}], activeKey: 4 }}"), "t.yaml");

        Assert.Empty(result.Errors);
        Assert.Equal(new VrrpHmacKey(4, Convert.FromHexString(HexKey)), result.Config!.Vrrp.Instances[0].Hmac!.Keys[0]);
    }

    [Fact]
    public void LoadFromText_KeyFileReadableByOthers_ErrorNamingTheFileNotTheKey()
    {
        var path = Path.Combine(_directory, "vrrp-key");
        File.WriteAllText(path, Secret);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: 'file:{path}' }}], activeKey: 1 }}"), "t.yaml");

        var error = Assert.Single(result.Errors).ToString();
        Assert.Contains($"key file {path} is readable by others than its owner", error);
        Assert.StartsWith("t.yaml:8:", error);
        Assert.DoesNotContain(Secret, error);
    }

    [Fact]
    public void ReadKeyBytes_CredentialsDirectory_Expanded()
    {
        var path = Path.Combine(_directory, "vrrp-key");
        File.WriteAllText(path, Secret);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        var before = Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        Environment.SetEnvironmentVariable("CREDENTIALS_DIRECTORY", _directory);
        try
        {
            var bytes = ConfigReader.ReadKeyBytes("file:$CREDENTIALS_DIRECTORY/vrrp-key", out var problem);

            Assert.Null(problem);
            Assert.Equal(System.Text.Encoding.ASCII.GetBytes(Secret), bytes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CREDENTIALS_DIRECTORY", before);
        }
    }

    [Fact]
    public void LoadFromText_AcceptRoutedUnicastWithoutEnforce_Error()
    {
        var result = ConfigLoader.LoadFromText(Instance(
            $"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}], activeKey: 1, mode: permissive, acceptRoutedUnicast: true }}",
            "\n      unicastPeers: [10.0.0.2]"), "t.yaml");

        Assert.Contains("acceptRoutedUnicast: needs mode: enforce and unicastPeers", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void LoadFromText_AcceptRoutedUnicastEnforceUnicast_Accepted()
    {
        var result = ConfigLoader.LoadFromText(Instance(
            $"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}], activeKey: 1, acceptRoutedUnicast: true }}",
            "\n      unicastPeers: [10.0.0.2]"), "t.yaml");

        Assert.Empty(result.Errors);
        Assert.True(result.Config!.Vrrp.Instances[0].AcceptRoutedUnicast);
    }

    [Fact]
    public void ToString_Settings_ShowsIdsNotKeys()
    {
        var result = ConfigLoader.LoadFromText(Instance($"{{ type: hmac, keys: [{{ id: 1, key: '{Secret}' }}], activeKey: 1 }}"), "t.yaml");

        Assert.DoesNotContain(Secret, result.Config!.Vrrp.Instances[0].ToString());
    }
}
