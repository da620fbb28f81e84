using System.Diagnostics;

namespace PinnacleMM.Core.Tests.Packaging;

/// <summary>Runs the dotnet CLI (or a built app) as a real child process and captures what it printed.</summary>
internal static class DotnetCli
{
    /// <summary>The repository root: the folder above the test's output that holds PinnacleMM.sln.</summary>
    public static string RepositoryRoot()
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

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> and waits for it; on cancellation the whole
    /// process tree is killed so that a hung build cannot outlive the test.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
