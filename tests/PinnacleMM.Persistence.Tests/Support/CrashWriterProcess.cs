using System.Diagnostics;
using System.Reflection;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>Starts the PinnacleMM.Persistence.CrashWriter child process (a real, separate process).</summary>
internal static class CrashWriterProcess
{
    public static Process Start(params string[] arguments)
    {
        var dll = typeof(CrashWriterProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashWriterPath").Value!;
        Assert.IsTrue(File.Exists(dll), $"crash writer not built at {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Reads the child's first line, failing with its stderr when it wrote none.</summary>
    public static string FirstLine(Process process)
    {
        var line = process.StandardOutput.ReadLine();
        if (line is null)
        {
            process.WaitForExit();
            Assert.Fail("child wrote nothing: " + process.StandardError.ReadToEnd());
        }

        return line;
    }
}
