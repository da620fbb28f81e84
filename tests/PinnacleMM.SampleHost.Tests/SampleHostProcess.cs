using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>Runs the built samples (<c>dotnet PinnacleMM.SampleHost.dll ...</c>) as child processes with redirected standard streams.</summary>
internal static class SampleHostProcess
{
    private static readonly Lazy<string> HostDll = new(() => FindSampleDll("PinnacleMM.SampleHost"));
    private static readonly Lazy<string> CustomStrategyDll = new(() => FindSampleDll("PinnacleMM.CustomStrategy"));

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs the sample host to its end (at most 60 s).</summary>
    public static Result Run(string workingDirectory, string standardInput, params string[] args) =>
        RunDll(HostDll.Value, workingDirectory, standardInput, args);

    /// <summary>Runs the custom strategy sample to its end (at most 60 s).</summary>
    public static Result RunCustomStrategy(string workingDirectory, params string[] args) =>
        RunDll(CustomStrategyDll.Value, workingDirectory, string.Empty, args);

    /// <summary>Starts the sample host and returns while it runs; its output is collected line by line.</summary>
    public static Running Start(string workingDirectory, params string[] args) => new(Prepare(HostDll.Value, workingDirectory, args));

    private static Result RunDll(string dll, string workingDirectory, string standardInput, string[] args)
    {
        using var process = Process.Start(Prepare(dll, workingDirectory, args)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(standardInput);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(dll)} did not exit within 60 s: {string.Join(' ', args)}\n{output.GetAwaiter().GetResult()}{error.GetAwaiter().GetResult()}");
        }

        return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static ProcessStartInfo Prepare(string dll, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>A sample's own build output, in the same configuration and framework folder as this test.</summary>
    private static string FindSampleDll(string project)
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
        var dll = Path.Combine(directory.FullName, "samples", project, relative, project + ".dll");
        Assert.IsTrue(File.Exists(dll), $"the sample was not built at {dll}");
        return dll;
    }

    /// <summary>A running sample host.</summary>
    public sealed class Running : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();
        private readonly Lock _gate = new();

        public Running(ProcessStartInfo start)
        {
            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
            _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
            _process.Start();
            _process.StandardInput.Close();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        /// <summary>Waits until the output contains <paramref name="text"/> (at most <paramref name="timeout"/>).</summary>
        public bool WaitForOutput(string text, TimeSpan timeout) => WaitForOutput(output => output.Contains(text, StringComparison.Ordinal), timeout);

        /// <summary>Waits until the output so far matches <paramref name="pattern"/> (e.g. a status line with fills).</summary>
        public bool WaitForOutput(Regex pattern, TimeSpan timeout) => WaitForOutput(pattern.IsMatch, timeout);

        private bool WaitForOutput(Func<string, bool> seen, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
            {
                if (seen(Output))
                {
                    return true;
                }

                Thread.Sleep(50);
            }

            return seen(Output);
        }

        /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> does (POSIX only).</summary>
        public void Terminate()
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Assert.AreEqual(0, kill.ExitCode, "kill -TERM failed");
        }

        /// <summary>Kills the process at once (SIGKILL): no stop, no final snapshot, as a crash or power cut leaves it.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        /// <summary>Waits for the exit (at most 60 s) and returns everything the process wrote.</summary>
        public Result WaitForExit()
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail("the sample host did not exit within 60 s");
            }

            _process.WaitForExit(); // drains the asynchronous output readers
            lock (_gate)
            {
                return new Result(_process.ExitCode, _output.ToString(), _error.ToString());
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private void Append(StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                target.Append(line).Append('\n');
            }
        }
    }
}
