using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;

namespace PinnacleMM.Core.Tests.Packaging;

/// <summary>
/// Packs the solution once, as a user would (`dotnet pack`, from the build the tests run on), into a fresh
/// temporary folder. Checks that each of the four packages carries its own version, README, XML docs and
/// symbols; and that a small app referencing them as PackageReference (tests/PackageConsumer, not in the
/// solution) restores, builds without warnings and runs correctly against exactly those packages.
/// </summary>
[TestClass]
public sealed class PackagingTests
{
    private static readonly string[] Packages = ["PinnacleMM.Core", "PinnacleMM.Exchange", "PinnacleMM.Persistence", "PinnacleMM.Security"];

    // What the consumer must print, one line per check, in this order; a skipped or failed part shows here.
    private static readonly string[] ConsumerChecks =
    [
        "core.orderbook-match", "core.best-ask", "core.post-only-rejected", "core.off-grid-rejected", "core.strategy-quotes",
        "persistence.journal-durable", "persistence.journal-read-back", "persistence.recovery",
        "security.vault-round-trip", "security.vault-wrong-password", "security.audit-write", "security.audit-verify", "security.audit-tamper-detected",
        "exchange.simulator-run", "exchange.own-orders", "exchange.deterministic",
    ];

    private static readonly DirectoryInfo PackageFolder = Directory.CreateTempSubdirectory("pinnaclemm-pack-");

    private static (int ExitCode, string Output) _pack;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>Packs the four packages once for every test of the class (the slowest shared step).</summary>
    [ClassInitialize]
    [Timeout(300_000, CooperativeCancellation = true)]
    public static async Task PackAsync(TestContext context)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var root = DotnetCli.RepositoryRoot();
        _pack = await DotnetCli.RunAsync(
            ["pack", Path.Combine(root, "PinnacleMM.sln"), "--no-build", "--no-restore", "-c", configuration, "-o", PackageFolder.FullName, "--disable-build-servers"],
            root,
            environment: null,
            context.CancellationToken);
    }

    [ClassCleanup]
    public static void DeletePackages() => PackageFolder.Delete(recursive: true);

    [TestMethod]
    public void Pack_produces_four_packages_with_readme_docs_and_symbols()
    {
        var root = DotnetCli.RepositoryRoot();
        Assert.AreEqual(0, _pack.ExitCode, _pack.Output);

        foreach (var package in Packages)
        {
            var version = ProjectVersion(root, package);
            var nupkg = Path.Combine(PackageFolder.FullName, $"{package}.{version}.nupkg");
            Assert.IsTrue(File.Exists(nupkg), $"{nupkg} missing; pack output:\n{_pack.Output}");
            Assert.IsTrue(File.Exists(Path.Combine(PackageFolder.FullName, $"{package}.{version}.snupkg")), $"{package}: symbols package missing");

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

        Assert.HasCount(Packages.Length, Directory.GetFiles(PackageFolder.FullName, "*.nupkg"), "only the four SDK packages are packable");
    }

    /// <summary>
    /// The packages as shipped: a temporary copy of tests/PackageConsumer with its own nuget.config that adds
    /// only the folder just packed (every other package comes from the machine's configured feed) and an empty
    /// NuGet packages folder of its own, so a PinnacleMM package cached by an earlier run can never be used.
    /// One build (which restores), then the app runs and its checks and exit code are asserted.
    /// </summary>
    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public async Task Consumer_app_builds_and_runs_against_the_packed_packages_as_PackageReference()
    {
        Assert.AreEqual(0, _pack.ExitCode, _pack.Output);
        var root = DotnetCli.RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("pinnaclemm-consumer-build-").FullName;
        try
        {
            var app = Path.Combine(work, "app");
            CopyConsumer(Path.Combine(root, "tests", "PackageConsumer"), app);
            // Same SDK selection and code-style rules as the repository; no repository props or central versions.
            File.Copy(Path.Combine(root, "global.json"), Path.Combine(work, "global.json"));
            File.Copy(Path.Combine(root, ".editorconfig"), Path.Combine(work, ".editorconfig"));
            new XDocument(new XElement("configuration",
                new XElement("packageSources",
                    new XElement("add", new XAttribute("key", "pinnaclemm-under-test"), new XAttribute("value", PackageFolder.FullName)))))
                .Save(Path.Combine(work, "nuget.config"));
            var nugetPackages = Path.Combine(work, "nuget-packages");
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = nugetPackages };

            var versions = Packages.ToDictionary(p => p, p => ProjectVersion(root, p));
            List<string> build = ["build", Path.Combine(app, "PackageConsumer.csproj"), "-c", "Debug", "--disable-build-servers", "-tl:off"];
            build.AddRange(versions.Select(v => $"-p:{v.Key.Replace(".", "", StringComparison.Ordinal)}Version={v.Value}"));
            var (buildExit, buildOutput) = await DotnetCli.RunAsync(build, work, environment, TestContext.CancellationToken);
            Assert.AreEqual(0, buildExit, buildOutput);
            StringAssert.Contains(buildOutput, " 0 Warning(s)", buildOutput);

            AssertResolvedAsPackages(Path.Combine(app, "obj", "project.assets.json"), nugetPackages, versions);

            var (runExit, runOutput) = await DotnetCli.RunAsync(
                [Path.Combine(app, "bin", "Debug", "net10.0", "PackageConsumer.dll")], work, environment, TestContext.CancellationToken);
            TestContext.WriteLine(runOutput);
            Assert.AreEqual(0, runExit, runOutput);
            var lines = runOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            CollectionAssert.AreEqual(ConsumerChecks.Select(c => "ok " + c).ToArray(), lines[..^1].Select(l => l.Split(':')[0]).ToArray(), runOutput);
            Assert.AreEqual($"checks: {ConsumerChecks.Length} passed, 0 failed", lines[^1]);
            // A few values the app computed through the packages, checked here independently of its own checks.
            CollectionAssert.Contains(lines, "ok core.best-ask: 65000.10 x 0.3000");
            CollectionAssert.Contains(lines, "ok core.strategy-quotes: 0.0100 @ 64998.00 / 0.0100 @ 65002.00");
            CollectionAssert.Contains(lines, "ok security.vault-wrong-password: WrongPassword");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [TestMethod]
    public void Nuget_config_adds_only_the_local_package_folder_that_pack_writes_to()
    {
        var root = DotnetCli.RepositoryRoot();
        var config = XDocument.Load(Path.Combine(root, "nuget.config"));
        var sources = config.Descendants("packageSources").Elements("add").ToList();
        Assert.HasCount(1, sources);
        var value = sources[0].Attribute("value")!.Value;
        Assert.IsFalse(value.Contains("://", StringComparison.Ordinal), "nuget.config must not name a remote feed");
        Assert.IsTrue(Directory.Exists(Path.Combine(root, value)), $"the local source folder '{value}' must exist (NuGet refuses a missing local source)");

        var targets = File.ReadAllText(Path.Combine(root, "eng", "Library.targets"));
        StringAssert.Contains(targets, $"<PackageOutputPath>$(RepoRoot){value}</PackageOutputPath>");
    }

    [TestMethod]
    public void Consumer_app_is_outside_the_solution_and_references_packages_only()
    {
        var root = DotnetCli.RepositoryRoot();
        var solution = File.ReadAllText(Path.Combine(root, "PinnacleMM.sln"));
        Assert.DoesNotContain("PackageConsumer", solution, "the consumer must not be built or tested with the solution");

        var project = XDocument.Load(Path.Combine(root, "tests", "PackageConsumer", "PackageConsumer.csproj"));
        Assert.IsEmpty(project.Descendants("ProjectReference"), "the consumer must reference the packages, not the projects");
        CollectionAssert.AreEquivalent(Packages, project.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value).ToArray());
    }

    /// <summary>
    /// Every PinnacleMM library in the restore graph is a package of the packed version, extracted into the
    /// app's own packages folder from the very .nupkg this run packed (same SHA-512), and none is a project.
    /// </summary>
    private static void AssertResolvedAsPackages(string assetsPath, string nugetPackages, Dictionary<string, string> versions)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsPath));
        var libraries = assets.RootElement.GetProperty("libraries");
        var pinnacle = libraries.EnumerateObject().Where(l => l.Name.StartsWith("PinnacleMM.", StringComparison.Ordinal)).ToList();
        CollectionAssert.AreEquivalent(versions.Select(v => $"{v.Key}/{v.Value}").ToArray(), pinnacle.Select(l => l.Name).ToArray());
        foreach (var library in pinnacle)
        {
            Assert.AreEqual("package", library.Value.GetProperty("type").GetString(), $"{library.Name} must come from a package");
            var nupkg = Path.Combine(PackageFolder.FullName, library.Name.Replace('/', '.') + ".nupkg");
            var expected = Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(nupkg)));
            Assert.AreEqual(expected, library.Value.GetProperty("sha512").GetString(), $"{library.Name} was not restored from the package packed by this run");
        }

        Assert.AreEqual(
            Path.TrimEndingDirectorySeparator(nugetPackages),
            Path.TrimEndingDirectorySeparator(assets.RootElement.GetProperty("packageFolders").EnumerateObject().Single().Name));
        var direct = assets.RootElement.GetProperty("project").GetProperty("frameworks").GetProperty("net10.0").GetProperty("dependencies");
        foreach (var (package, version) in versions)
        {
            var dependency = direct.GetProperty(package);
            Assert.AreEqual("Package", dependency.GetProperty("target").GetString());
            Assert.AreEqual($"[{version}, {version}]", dependency.GetProperty("version").GetString());
        }
    }

    private static void CopyConsumer(string source, string destination)
    {
        // Only the project's own files: bin/ and obj/ of an in-place build must not leak into the copy.
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string ProjectVersion(string root, string package)
    {
        var project = XDocument.Load(Path.Combine(root, "src", package, package + ".csproj"));
        return project.Descendants("Version").Single().Value;
    }
}
