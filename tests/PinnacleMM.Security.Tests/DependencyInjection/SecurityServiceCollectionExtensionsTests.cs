using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Security.Tests.DependencyInjection;

[TestClass]
public sealed class SecurityServiceCollectionExtensionsTests
{
    private const string Pin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    private static string NewDataDirectory() => Directory.CreateTempSubdirectory("pmm-di-").FullName;

    [TestMethod]
    public async Task Registers_every_service_with_paths_inside_the_data_directory()
    {
        var data = NewDataDirectory();
        var services = new ServiceCollection().AddPinnacleMMSecurity(o => o.DataDirectory = data);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.AreSame(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        var audit = provider.GetRequiredService<AuditLog>();
        Assert.AreSame(audit, provider.GetRequiredService<IAuditLog>());
        Assert.AreEqual(Path.Combine(data, "audit"), audit.DirectoryPath);
        Assert.AreEqual(KdfParameters.Default, provider.GetRequiredService<VaultOptions>().Kdf);
        Assert.IsNotNull(provider.GetRequiredService<CertificatePinValidator>());
        Assert.AreEqual(100, provider.GetRequiredService<RateLimiterSet>()[RateLimitCategory.OrderSubmit].Policy.Limit);
        Assert.AreEqual(Path.Combine(data, "credentials.vault"), provider.GetRequiredService<IOptions<SecurityOptions>>().Value.GetVaultPath());

        Assert.IsTrue(audit.TryWrite(new AuditEvent("di.test", "test", "test", "test", AuditOutcome.Info)));
        await audit.FlushAsync();
        Assert.IsTrue(AuditLogVerifier.Verify(audit.DirectoryPath).IsValid);
    }

    [TestMethod]
    public async Task Existing_registrations_win_and_the_clock_reaches_the_limiters()
    {
        var time = new ManualTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddPinnacleMMSecurity(o =>
        {
            o.DataDirectory = NewDataDirectory();
            o.RateLimits[RateLimitCategory.ConfigWrite] = new RateLimitPolicy { Limit = 1, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromMinutes(2) };
        });
        services.AddPinnacleMMSecurity(); // twice is harmless
        await using var provider = services.BuildServiceProvider();
        Assert.AreSame(time, provider.GetRequiredService<TimeProvider>());
        Assert.HasCount(1, provider.GetServices<RateLimiterSet>());
        var limits = provider.GetRequiredService<RateLimiterSet>();
        Assert.IsTrue(limits.TryAcquire(RateLimitCategory.ConfigWrite).IsAllowed);
        Assert.AreEqual(TimeSpan.FromMinutes(2), limits.TryAcquire(RateLimitCategory.ConfigWrite).RetryAfter);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.IsTrue(limits.TryAcquire(RateLimitCategory.ConfigWrite).IsAllowed, "the manual clock drove the cooldown and the window");
    }

    [TestMethod]
    public async Task Binds_from_configuration()
    {
        var data = NewDataDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PinnacleMM:Security:DataDirectory"] = data,
            ["PinnacleMM:Security:VaultFile"] = "secrets/main.vault",
            ["PinnacleMM:Security:Audit:Directory"] = "logs/audit",
            ["PinnacleMM:Security:Audit:MaxFileBytes"] = "65536",
            ["PinnacleMM:Security:Pinning:RequirePinForEveryHost"] = "true",
            ["PinnacleMM:Security:Pinning:PinSets:0:Host"] = "api.example.com",
            ["PinnacleMM:Security:Pinning:PinSets:0:Pins:0"] = Pin,
            ["PinnacleMM:Security:Pinning:PinSets:0:WhenExpired"] = "ChainValidationOnly",
            ["PinnacleMM:Security:RateLimits:OrderSubmit:Limit"] = "7",
            ["PinnacleMM:Security:RateLimits:OrderSubmit:Window"] = "00:00:10",
        }).Build();
        var services = new ServiceCollection().AddPinnacleMMSecurity(configuration.GetSection(SecurityOptions.SectionName));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<SecurityOptions>>().Value;
        Assert.AreEqual(Path.Combine(data, "secrets", "main.vault"), options.GetVaultPath());
        Assert.AreEqual(Path.Combine(data, "logs", "audit"), provider.GetRequiredService<AuditLog>().DirectoryPath);
        Assert.AreEqual(65536, options.Audit.MaxFileBytes);
        Assert.AreEqual(ExpiredPinSetPolicy.ChainValidationOnly, options.Pinning.PinSets.Single().WhenExpired);
        Assert.IsTrue(options.Pinning.RequirePinForEveryHost);
        var submit = provider.GetRequiredService<RateLimiterSet>()[RateLimitCategory.OrderSubmit].Policy;
        Assert.AreEqual((7, TimeSpan.FromSeconds(10)), (submit.Limit, submit.Window));
    }

    [TestMethod]
    public void A_null_invalid_or_unknown_rate_limit_is_listed_naming_its_category_without_throwing()
    {
        var valid = new RateLimitPolicy { Limit = 1, Window = TimeSpan.FromMinutes(1) };
        var options = new SecurityOptions { DataDirectory = NewDataDirectory() };
        options.RateLimits[RateLimitCategory.OrderSubmit] = null!;
        options.RateLimits[RateLimitCategory.ConfigWrite] = valid with { Cooldown = TimeSpan.FromDays(2) };
        options.RateLimits[RateLimitCategory.OrderCancel] = valid with { Algorithm = (RateLimitAlgorithm)5 };
        options.RateLimits[(RateLimitCategory)99] = valid;
        options.RateLimits[RateLimitCategory.MarketData] = valid;

        CollectionAssert.AreEquivalent(
            new[]
            {
                "rateLimits.OrderSubmit is null: set a policy or leave the category out for its default (required)",
                "rateLimits.ConfigWrite.cooldown: Cooldown 2.00:00:00 must be at most 1.00:00:00. (range)",
                "rateLimits.OrderCancel.algorithm: Algorithm 5 must be SlidingWindow or TokenBucket. (range)",
                "rateLimits.99 is not a rate-limit category (enum)",
            },
            options.Validate().Select(p => p.ToString()).ToArray());
    }

    [TestMethod]
    public async Task Bad_options_stop_the_start_naming_every_field_and_rule_and_create_nothing()
    {
        var data = NewDataDirectory();
        var services = new ServiceCollection().AddPinnacleMMSecurity(o =>
        {
            o.DataDirectory = data;
            o.VaultFile = "../outside.vault";
            o.Audit.Directory = "/var/log/audit";
            o.Audit.MaxFileBytes = 10;
            o.Vault = new VaultOptions { Kdf = KdfParameters.Pbkdf2(1000) };
            o.Pinning.PinSets.Add(new PinSet { Host = "api.example.com", Pins = ["not-a-pin"] });
            o.RateLimits[RateLimitCategory.OrderCancel] = new RateLimitPolicy { Limit = 0, Window = TimeSpan.FromMinutes(1) };
        });
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.ThrowsExactly<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var failures = string.Join("\n", ex.Failures);
        StringAssert.Contains(failures, "PinnacleMM:Security:vaultFile must stay inside the data directory (escape)");
        StringAssert.Contains(failures, "PinnacleMM:Security:audit:directory must be relative to the data directory (absolute)");
        StringAssert.Contains(failures, "PinnacleMM:Security:audit:maxFileBytes must be at least 4096 bytes (min-size)");
        StringAssert.Contains(failures, "PinnacleMM:Security:vault:kdf PBKDF2-HMAC-SHA256(iterations=1000) is below the minimum");
        StringAssert.Contains(failures, "PinnacleMM:Security:pinning:pinSets:0:pins:0 must be the base64");
        StringAssert.Contains(failures, "PinnacleMM:Security:rateLimits:OrderCancel:limit: Limit 0 must be positive. (range)");
        Assert.ThrowsExactly<OptionsValidationException>(() => provider.GetRequiredService<AuditLog>());
        Assert.IsEmpty(Directory.GetFileSystemEntries(data), "nothing was created in the data directory");
    }
}
