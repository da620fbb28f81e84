using System.Text.RegularExpressions;

namespace PinnacleMM.SampleHost.Tests;

/// <summary><c>--help</c> and the README's option table describe the options the host really accepts.</summary>
[TestClass]
public sealed partial class UsageTests
{
    [TestMethod]
    public void Help_and_the_readme_table_list_exactly_the_options_the_command_line_accepts()
    {
        var cwd = Directory.CreateTempSubdirectory("pmm-usage-").FullName;
        var help = SampleHostProcess.Run(cwd, string.Empty, "--help");
        Assert.AreEqual(0, help.ExitCode, help.Error);
        var session = help.Output[..help.Output.IndexOf("other commands:", StringComparison.Ordinal)];
        var inHelp = OptionPattern().Matches(session).Select(m => m.Value).ToHashSet();

        Assert.IsTrue(inHelp.Count >= 15, "the options found in --help: " + string.Join(", ", inHelp));

        // Every option the help names is one the parser knows: an unknown one would be refused as "unknown option".
        foreach (var option in inHelp)
        {
            // --help first: a value option then lacks its value and is refused for that, never run.
            var result = SampleHostProcess.Run(cwd, string.Empty, "--help", option);
            Assert.DoesNotContain($"{option}: unknown option", result.Error, $"--help names {option}, which the command line refuses");
        }

        Assert.IsTrue(SampleHostProcess.Run(cwd, string.Empty, "--bogus").Error.StartsWith("error: --bogus: unknown option", StringComparison.Ordinal), "unknown options are refused");

        // The README's option table (the sample host's documentation) names the same options.
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var run = readme[readme.IndexOf("## Run", StringComparison.Ordinal)..readme.IndexOf("## The packages", StringComparison.Ordinal)];
        var inReadme = Regex.Matches(run, @"^\| `(--[a-z-]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)
            .Concat(Regex.Matches(run, @"^\| `--live (--credential)", RegexOptions.Multiline).Select(m => m.Groups[1].Value))
            .ToHashSet();
        CollectionAssert.AreEquivalent(inHelp.Order().ToArray(), inReadme.Order().ToArray(), "README table vs --help");
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(cwd).Count(), "--help writes nothing");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PinnacleMM.sln")))
        {
            directory = directory.Parent;
        }

        Assert.IsNotNull(directory);
        return directory.FullName;
    }

    [GeneratedRegex(@"(?<=^\s+|\s)--[a-z][a-z-]+(?=[\s|])", RegexOptions.Multiline)]
    private static partial Regex OptionPattern();
}
