using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security.Tests.Validation;

[TestClass]
public sealed class PathValidatorTests
{
    private static string NewDataDirectory()
    {
        var root = Directory.CreateTempSubdirectory("pmm-paths-").FullName;
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(Path.Combine(data, "journal"));
        Directory.CreateDirectory(Path.Combine(root, "outside"));
        return data;
    }

    [TestMethod]
    [DataRow("journal/000001.log", null)]
    [DataRow("snapshots/new.snap", null)]
    [DataRow("journal/../vault.bin", null)]
    [DataRow(".", null)]
    [DataRow("../outside/x", "escape")]
    [DataRow("journal/../../outside", "escape")]
    [DataRow("..", "escape")]
    [DataRow("/etc/passwd", "absolute")]
    [DataRow("~/x", "absolute")]
    [DataRow("", "required")]
    [DataRow("a\0b", "charset")]
    public void Paths_must_stay_in_the_data_directory(string path, string? rule)
    {
        var data = NewDataDirectory();
        var result = InputValidator.PathWithin(data, path, out var full);
        Assert.AreEqual(rule, result.Rule, result.ToString());
        if (rule is null)
        {
            Assert.IsNotNull(full);
            Assert.IsTrue(full.StartsWith(data, StringComparison.Ordinal), full);
        }
        else
        {
            Assert.IsNull(full);
            Assert.AreEqual(rule == "required" || rule == "charset" || rule == "absolute" || rule == "escape" ? "path" : null, result.Field);
        }
    }

    [TestMethod]
    public void A_symlink_leading_outside_is_refused_and_one_staying_inside_is_accepted()
    {
        var data = NewDataDirectory();
        var outside = Path.Combine(Path.GetDirectoryName(data)!, "outside");
        Directory.CreateSymbolicLink(Path.Combine(data, "escape"), outside);
        Directory.CreateSymbolicLink(Path.Combine(data, "inner"), Path.Combine(data, "journal"));
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(data, "journal", "file-link"), Path.Combine(outside, "secret.txt"));

        Assert.AreEqual("symlink-escape", InputValidator.PathWithin(data, "escape/secret.txt", out _).Rule);
        Assert.AreEqual("symlink-escape", InputValidator.PathWithin(data, "escape", out _).Rule);
        Assert.AreEqual("symlink-escape", InputValidator.PathWithin(data, "journal/file-link", out _).Rule);
        Assert.IsTrue(InputValidator.PathWithin(data, "inner/000001.log", out _).IsValid);
    }

    [TestMethod]
    public void A_data_directory_reached_through_a_symlink_still_works()
    {
        var data = NewDataDirectory();
        var alias = Path.Combine(Path.GetDirectoryName(data)!, "alias");
        Directory.CreateSymbolicLink(alias, data);
        Assert.IsTrue(InputValidator.PathWithin(alias, "journal/x", out var full).IsValid);
        Assert.AreEqual(Path.Combine(data, "journal", "x"), full);
        Assert.AreEqual("escape", InputValidator.PathWithin(alias, "../outside", out _).Rule);
    }

    [TestMethod]
    public void Random_paths_never_throw_and_valid_ones_resolve_inside()
    {
        var data = NewDataDirectory();
        var alphabet = "ab./\\~:\0 ..journal".ToCharArray();
        var gen = Gen.Frequency(
            (1, ArbMap.Default.ArbFor<string>().Generator),
            (3, Gen.Choose(0, 30).SelectMany(n => Gen.Elements(alphabet).ArrayOf(n)).Select(a => new string(a))));
        Prop.ForAll(Arb.From(gen), p =>
        {
            var result = InputValidator.PathWithin(data, p, out var full);
            if (result.IsValid)
            {
                Assert.IsTrue(full == data || full!.StartsWith(data + Path.DirectorySeparatorChar, StringComparison.Ordinal), full);
            }
            else
            {
                Assert.IsNull(full);
                Assert.IsFalse(string.IsNullOrEmpty(result.Rule));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }
}
