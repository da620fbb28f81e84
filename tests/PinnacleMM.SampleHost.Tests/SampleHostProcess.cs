using System.Diagnostics;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>Runs the built sample host (<c>dotnet PinnacleMM.SampleHost.dll ...</c>) with redirected standard input.</summary>
internal static class SampleHostProcess
{
    private static readonly Lazy<string> HostDll = new(FindHostDll);

    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string workingDirectory, string standardInput, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostDll.Value);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(standardInput);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the sample host did not exit within 60 s: {string.Join(' ', args)}");
        }

        return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>The sample's own build output, in the same configuration and framework folder as this test.</summary>
    private static string FindHostDll()
    {
        var testOutput = AppContext.BaseDirectory;
        var directory = new DirectoryInfo(testOutput);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PinnacleMM.sln")))
        {
            directory = directory.Parent;
        }

        Assert.IsNotNull(directory, $"no PinnacleMM.sln above {testOutput}");
        var testProject = Path.Combine(directory.FullName, "tests", "PinnacleMM.SampleHost.Tests");
        var relative = Path.GetRelativePath(testProject, testOutput);        // e.g. bin/Debug/net10.0/
        var dll = Path.Combine(directory.FullName, "samples", "PinnacleMM.SampleHost", relative, "PinnacleMM.SampleHost.dll");
        Assert.IsTrue(File.Exists(dll), $"the sample host was not built at {dll}");
        return dll;
    }
}
