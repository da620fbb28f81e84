using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PinnacleMM.SampleHost.Credentials;
using PinnacleMM.SampleHost.Hosting;
using PinnacleMM.SampleHost.Session;

// `credentials add|list|remove|change-password` and `audit verify <dir>`: see Credentials/CredentialsCommands.cs.
if (CredentialsCommands.Handles(args))
{
    return CredentialsCommands.Run(args);
}

// Exit codes: 0 a clean session, 1 the session failed, 2 the configuration is invalid, 64 a bad command line.
const int ConfigurationInvalid = 2;
const int Usage = 64;

// A simulated market-making session: see SessionCommandLine.UsageText for the options.
if (!SessionCommandLine.TryParse(args, out var commandLine, out var usageError))
{
    Console.Error.WriteLine($"error: {usageError}");
    Console.Error.WriteLine(SessionCommandLine.UsageText);
    return Usage;
}

if (commandLine.Help)
{
    Console.WriteLine(SessionCommandLine.UsageText);
    return 0;
}

IHost host;
try
{
    host = SampleHostBuilder.Build(commandLine);
}
catch (InvalidDataException e)
{
    // A JSON file that does not parse: the message names the file, an inner one the line.
    var messages = new List<string>();
    for (Exception? inner = e; inner is not null; inner = inner.InnerException)
    {
        messages.Add(inner.Message);
    }

    Console.Error.WriteLine($"error: {string.Join(" ", messages)}");
    return ConfigurationInvalid;
}

// The container owns the simulator, which only disposes asynchronously.
await using (host as IAsyncDisposable)
{
    var unknown = UnknownSettings.Find(host.Services.GetRequiredService<IConfiguration>());
    if (unknown.Count > 0)
    {
        WriteConfigurationErrors(unknown);
        return ConfigurationInvalid;
    }

    try
    {
        // Validates every package's options (ValidateOnStart) before the session touches the data directory.
        await host.StartAsync();
    }
    catch (Exception e) when (ConfigurationErrors.TryDescribe(e, out var problems))
    {
        WriteConfigurationErrors(problems);
        return ConfigurationInvalid;
    }

    await host.WaitForShutdownAsync();
    return host.Services.GetRequiredService<SessionOutcome>().ExitCode;
}

static void WriteConfigurationErrors(IReadOnlyList<string> problems)
{
    Console.Error.WriteLine("error: invalid configuration; nothing was started or written:");
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"  {problem}");
    }
}
