using HaDirector.Director.Import;

namespace HaDirector.Director.Tests.Import;

public sealed class KeepalivedReaderTests
{
    private static KeepalivedReadResult Read(Dictionary<string, string> files, string main = "/etc/keepalived/keepalived.conf", string host = "lb1") =>
        KeepalivedReader.Read(main, new DictionaryIncludeResolver(files), host);

    private static KeepalivedReadResult Read(string text, string host = "lb1") =>
        Read(new Dictionary<string, string> { ["/etc/keepalived/keepalived.conf"] = text }, host: host);

    /// <summary>The tree as "keyword args @line" lines, indented by depth.</summary>
    private static string Dump(IEnumerable<KeepalivedNode> nodes, int depth = 0) =>
        string.Concat(nodes.Select(n => $"{new string(' ', depth * 2)}{n.Text} @{n.Location}\n" + (n.Children is null ? "" : Dump(n.Children, depth + 1))));

    [Fact]
    public void Read_BracesOnOneLineAndOnTheirOwn_SameTreeWithEachLine()
    {
        var result = Read("""
            vrrp_instance VI_1 { state BACKUP
              virtual_ipaddress
              {
                198.18.0.10/32 dev eth0 }
            }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal("""
            vrrp_instance VI_1 @/etc/keepalived/keepalived.conf:1
              state BACKUP @/etc/keepalived/keepalived.conf:1
              virtual_ipaddress @/etc/keepalived/keepalived.conf:2
                198.18.0.10/32 dev eth0 @/etc/keepalived/keepalived.conf:4

            """.Replace("\r", "", StringComparison.Ordinal), Dump(result.Nodes));
    }

    [Fact]
    public void Read_CommentsAndQuotes_CommentsGoneQuotedTextKept()
    {
        var result = Read("""
            ! a comment
            # another
            vrrp_script chk {
              script "echo a#b!c { }"   # the check
              user root ! trailing
              weight \#5
            }
            """);

        var script = Assert.Single(result.Nodes);
        Assert.Equal(["echo a#b!c { }"], script.Children![0].Args);
        Assert.Equal(["root"], script.Children[1].Args);
        Assert.Equal(["#5"], script.Children[2].Args);
        Assert.Equal(6, script.Children[2].Location.Line);
    }

    [Fact]
    public void Read_Definitions_SubstitutedBareAndInBraces()
    {
        var result = Read("""
            $IF=eth1
            $VRID=51
            vrrp_instance VI_${VRID} {
              interface $IF
              virtual_router_id ${VRID}
              unknown $NOPE
            }
            """);

        Assert.Equal("""
            vrrp_instance VI_51 @/etc/keepalived/keepalived.conf:3
              interface eth1 @/etc/keepalived/keepalived.conf:4
              virtual_router_id 51 @/etc/keepalived/keepalived.conf:5
              unknown $NOPE @/etc/keepalived/keepalived.conf:6

            """.Replace("\r", "", StringComparison.Ordinal), Dump(result.Nodes));
    }

    [Fact]
    public void Read_MultiLineDefinition_ExpandsIntoItsLinesAtTheUsingLine()
    {
        var result = Read("""
            $CHECK=TCP_CHECK { \
                connect_timeout 3 \
            }
            virtual_server 198.18.0.10 80 {
              real_server 198.18.1.1 80 {
                $CHECK
              }
            }
            """);

        Assert.Empty(result.Errors);
        var check = result.Nodes[0].Children![0].Children![0];
        Assert.Equal("TCP_CHECK", check.Keyword);
        Assert.Equal("connect_timeout 3", Assert.Single(check.Children!).Text);
        Assert.Equal(6, check.Location.Line);
    }

    [Theory]
    [InlineData("lb1", "priority 150")]
    [InlineData("lb2", "priority 100")]
    public void Read_HostConditionalLines_OnlyThoseForTheHost(string host, string expected)
    {
        var result = Read("""
            vrrp_instance VI_1 {
            @lb1 priority 150
            @^lb1 priority 100
            @lb1
            }
            """, host);

        Assert.Equal(expected, Assert.Single(result.Nodes[0].Children!).Text);
    }

    [Fact]
    public void Read_IncludeWithGlobRelativeToTheIncludingFile_FilesInSortedOrderWithTheirLines()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/keepalived/keepalived.conf"] = "include conf.d/*.conf\nglobal_defs {\n}\n",
            ["/etc/keepalived/conf.d/20-web.conf"] = "virtual_server 198.18.0.10 80 {\n}\n",
            ["/etc/keepalived/conf.d/10-vrrp.conf"] = "\ninclude ../inc/{a,b}.inc\n",
            ["/etc/keepalived/conf.d/readme.txt"] = "not included\n",
            ["/etc/keepalived/inc/a.inc"] = "vrrp_instance A {\n}\n",
            ["/etc/keepalived/inc/b.inc"] = "vrrp_instance B {\n}\n",
        };

        var result = Read(files);

        Assert.Empty(result.Errors);
        Assert.Equal(
            ["vrrp_instance A @/etc/keepalived/inc/a.inc:1", "vrrp_instance B @/etc/keepalived/inc/b.inc:1",
             "virtual_server 198.18.0.10 80 @/etc/keepalived/conf.d/20-web.conf:1", "global_defs @/etc/keepalived/keepalived.conf:2"],
            result.Nodes.Select(n => $"{n.Text} @{n.Location}"));
    }

    [Fact]
    public void Read_IncludeCycle_ErrorNamingTheIncludeLine()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/keepalived/keepalived.conf"] = "include a.conf\n",
            ["/etc/keepalived/a.conf"] = "global_defs {\n}\ninclude ./keepalived.conf\n",
        };

        var result = Read(files);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("/etc/keepalived/a.conf:3: include: './keepalived.conf' includes /etc/keepalived/keepalived.conf again", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_IncludeMatchingNothing_WarningAndTheRestRead()
    {
        var result = Read("include /etc/keepalived/none/*.conf\nglobal_defs {\n}\n");

        Assert.Empty(result.Errors);
        Assert.Equal("/etc/keepalived/keepalived.conf:1: include: no file matches '/etc/keepalived/none/*.conf' (keepalived goes on without it, and so does the import)", Assert.Single(result.Warnings).ToString());
        Assert.Single(result.Nodes);
    }

    [Theory]
    [InlineData("vrrp_instance A {\n  state BACKUP\n", "/etc/keepalived/keepalived.conf:1: '{' opened here is never closed")]
    [InlineData("global_defs {\n}\n}\n", "/etc/keepalived/keepalived.conf:3: '}' closes no block (one '}' too many)")]
    [InlineData("{\n}\n", "/etc/keepalived/keepalived.conf:1: '{' without a keyword before it")]
    [InlineData("vrrp_script a {\n  script \"echo\n}\n", "/etc/keepalived/keepalived.conf:2: unterminated quote in 'script \"echo'")]
    public void Read_Unbalanced_ErrorWithFileAndLine(string text, string expected)
    {
        Assert.Contains(expected, Read(text).Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Read_SelfReferencingDefinition_ErrorInsteadOfEndlessExpansion()
    {
        var result = Read("$A=x $A\nkey $A\n");

        Assert.Contains(result.Errors, e => e.Location.Line == 2 && e.Text.Contains("without end", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("$A=$A $A\nkey $A\n")] // twice as long at each level
    [InlineData("$A=\\\n$A \\\n$A\nkey $A\n")] // a multi-line definition: twice as many lines at each level
    public void Read_DefinitionThatDoublesAtEachLevel_ErrorOnceInsteadOfExponentialExpansion(string text)
    {
        // bench/fuzz's keepalived-conf harness found the first kind (the import hung, allocating without end).
        var result = Read(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal(text.Split('\n').Length - 1, error.Location.Line);
        Assert.Contains("without end", error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WideDefinitionOnEachLineOfAnother_OneErrorAndAtMostFourMiBRead()
    {
        // bench/fuzz finding #9: each line stays within the per-line bounds (1,000 lines of 6,000 characters here), but
        // the file's lines had no bound together: the fuzz input made 300 MB of lines for each "key $B" line.
        var text = "$A=" + new string('x', 6_000) + "\n$B=\\\n" + string.Concat(Enumerable.Repeat("$A \\\n", 999)) + "$A\n"
            + "key $B\nkey $B\nother 1\n";
        var firstUse = 1 + 1 + 999 + 1 + 1;

        var result = Read(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal(firstUse, error.Location.Line);
        Assert.Contains("4 MiB", error.Text, StringComparison.Ordinal);
        Assert.InRange(result.Nodes.Sum(n => (long)n.Text.Length), 0L, 4L * 1024 * 1024 + 64 * 1024);
        Assert.Equal("other", result.Nodes[result.Nodes.Count - 1].Keyword); // a line without definitions is still read
    }

    [Fact]
    public void DefaultConfigId_HostNameWithDomain_UpToTheFirstDot()
    {
        Assert.Equal("lb1", KeepalivedReader.DefaultConfigId("lb1.example.net"));
    }

    [Fact]
    public void Read_IncludeWithBraces_EachAlternativeInTurnAsGlibcGlobs()
    {
        // glob(3) with GLOB_BRACE sorts within each alternative only: web's files come before mail's.
        var result = Read(new Dictionary<string, string>
        {
            ["/etc/keepalived/keepalived.conf"] = "include services/{web,mail}/*.conf\n",
            ["/etc/keepalived/services/mail/a.conf"] = "mail_a\n",
            ["/etc/keepalived/services/web/b.conf"] = "web_b\n",
            ["/etc/keepalived/services/web/a.conf"] = "web_a\n",
        });

        Assert.Equal(["web_a", "web_b", "mail_a"], result.Nodes.Select(n => n.Keyword));
    }
}
