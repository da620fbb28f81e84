using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>Starts the PinnacleMM.Persistence.CrashWriter child process (a real, separate process).</summary>
internal static class CrashWriterProcess
{
    /// <summary>How long a child may take to acknowledge its first durable record (it starts a runtime, a slow machine may be loaded).</summary>
    private static readonly TimeSpan AcknowledgeTimeout = TimeSpan.FromSeconds(20);

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

    /// <summary>
    /// Reads the child's first line, waits until it acknowledges a durable record (a "durable &lt;n&gt;" line,
    /// printed only above what was durable when it started), lets it run <paramref name="killAfterMs"/> longer
    /// and kills it (SIGKILL on Unix) mid-flight. Returns the first line and the last acknowledged value.
    /// Fails, naming <paramref name="context"/>, when nothing is acknowledged within the deadline or the child
    /// exits on its own; the child never outlives the call.
    /// </summary>
    public static (string Ready, long Acknowledged) RunAndKill(Process process, int killAfterMs, string context)
    {
        try
        {
            var ready = FirstLine(process);
            long acknowledged = 0;
            var reading = Task.Run(() =>
            {
                while (process.StandardOutput.ReadLine() is { } line)
                {
                    if (line.StartsWith("durable ", StringComparison.Ordinal))
                    {
                        Volatile.Write(ref acknowledged, long.Parse(line.AsSpan(8), CultureInfo.InvariantCulture));
                    }
                }
            });

            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref acknowledged) == 0 && !process.HasExited && waited.Elapsed < AcknowledgeTimeout)
            {
                Thread.Sleep(1);
            }

            if (Volatile.Read(ref acknowledged) == 0)
            {
                Assert.Fail(process.HasExited
                    ? $"{context}: the child exited with code {process.ExitCode} before acknowledging a durable record (a \"durable <n>\" line): {process.StandardError.ReadToEnd()}"
                    : $"{context}: the child acknowledged no durable record (a \"durable <n>\" line) within {AcknowledgeTimeout.TotalSeconds:0} s (after '{ready}')");
            }

            Thread.Sleep(killAfterMs);
            if (process.HasExited)
            {
                Assert.Fail($"{context}: the child must still be running when it is killed, but it exited with code {process.ExitCode}: {process.StandardError.ReadToEnd()}");
            }

            process.Kill();
            process.WaitForExit();
            Assert.IsTrue(reading.Wait(TimeSpan.FromSeconds(20)), $"{context}: the child's output did not end after the kill");
            return (ready, Volatile.Read(ref acknowledged));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
        }
    }
}
