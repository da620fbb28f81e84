using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace PinnacleMM.Core.Tests.Packaging;

/// <summary>
/// Packs the solution as a user would (`dotnet pack`, from the build the tests run on) and checks that
/// each of the four packages carries its own version, README, XML docs and symbols, and that
/// nuget.config adds exactly the local package folder as a source.
/// </summary>
[TestClass]
public sealed class PackagingTests
{
    private static readonly string[] Packages = ["PinnacleMM.Core", "PinnacleMM.Exchange", "PinnacleMM.Persistence", "PinnacleMM.Security"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void Pack_produces_four_packages_with_readme_docs_and_symbols()
    {
        var root = RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("pinnaclemm-pack-").FullName;
        try
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var (exitCode, log) = Run("dotnet", $"pack \"{Path.Combine(root, "PinnacleMM.sln")}\" --no-build --no-restore -c {configuration} -o \"{output}\"", root);
            Assert.AreEqual(0, exitCode, log);

            foreach (var package in Packages)
            {
                var version = ProjectVersion(root, package);
                var nupkg = Path.Combine(output, $"{package}.{version}.nupkg");
                Assert.IsTrue(File.Exists(nupkg), $"{nupkg} missing; pack output:\n{log}");
                Assert.IsTrue(File.Exists(Path.Combine(output, $"{package}.{version}.snupkg")), $"{package}: symbols package missing");

                using var zip = ZipFile.OpenRead(nupkg);
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("README.md", entries, $"{package}: README.md not packed");
                Assert.Contains($"lib/net10.0/{package}.dll", entries, $"{package}: assembly not packed");
                Assert.Contains($"lib/net10.0/{package}.xml", entries, $"{package}: XML docs not packed");

                using var nuspecStream = zip.GetEntry($"{package}.nuspec")!.Open();
                var nuspec = XDocument.Load(nuspecStream);
                var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string Meta(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
                Assert.AreEqual(package, Meta("id"));
                Assert.AreEqual(version, Meta("version"));
                Assert.AreEqual("README.md", Meta("readme"));
                Assert.AreEqual("MIT", Meta("license"));
                Assert.IsFalse(string.IsNullOrWhiteSpace(Meta("description")), $"{package}: no description");
            }

            Assert.AreEqual(Packages.Length, Directory.GetFiles(output, "*.nupkg").Length, "only the four SDK packages are packable");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [TestMethod]
    public void Nuget_config_adds_only_the_local_package_folder_that_pack_writes_to()
    {
        var root = RepositoryRoot();
        var config = XDocument.Load(Path.Combine(root, "nuget.config"));
        var sources = config.Descendants("packageSources").Elements("add").ToList();
        Assert.HasCount(1, sources);
        var value = sources[0].Attribute("value")!.Value;
        Assert.IsFalse(value.Contains("://", StringComparison.Ordinal), "nuget.config must not name a remote feed");
        Assert.IsTrue(Directory.Exists(Path.Combine(root, value)), $"the local source folder '{value}' must exist (NuGet refuses a missing local source)");

        var targets = File.ReadAllText(Path.Combine(root, "eng", "Library.targets"));
        StringAssert.Contains(targets, $"<PackageOutputPath>$(RepoRoot){value}</PackageOutputPath>");
    }

    private static string ProjectVersion(string root, string package)
    {
        var project = XDocument.Load(Path.Combine(root, "src", package, package + ".csproj"));
        return project.Descendants("Version").Single().Value;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PinnacleMM.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PinnacleMM.sln not found above " + AppContext.BaseDirectory);
    }

    private (int ExitCode, string Log) Run(string file, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
