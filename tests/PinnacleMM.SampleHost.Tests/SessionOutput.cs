using System.Globalization;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>Reads the sample host's summary block (<c>summary:</c> followed by <c>  label: value</c> lines).</summary>
internal sealed class SessionOutput
{
    private SessionOutput(IReadOnlyDictionary<string, string> summary) => Summary = summary;

    public IReadOnlyDictionary<string, string> Summary { get; }

    public int Fills => int.Parse(Summary["fills"], CultureInfo.InvariantCulture);

    /// <summary>The summary lines that depend only on the simulated run: the real time taken and the data path are left out.</summary>
    public IReadOnlyList<string> DeterministicLines => Summary
        .Where(p => p.Key != "data")
        .Select(p => p.Key == "market time" ? $"{p.Key}: {p.Value.Split(" in ")[0]}" : $"{p.Key}: {p.Value}")
        .ToList();

    /// <summary>The recovery line a later run on the same data must print for this run's final state.</summary>
    public string ExpectedRecoveryLine =>
        $"recovered: position {Summary["position"]}, realized P&L {Summary["realized P&L"]}, fees {Summary["fees"]}, {Summary["fills"]} fills";

    public static SessionOutput Parse(string output)
    {
        var lines = output.Split('\n');
        var start = Array.IndexOf(lines, "summary:");
        Assert.IsTrue(start >= 0, "no summary in the output:\n" + output);
        var summary = new Dictionary<string, string>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            summary[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        foreach (var label in new[] { "fills", "volume", "position", "realized P&L", "unrealized P&L", "fees", "net P&L", "orders", "tick-to-quote" })
        {
            Assert.IsTrue(summary.ContainsKey(label), $"the summary has no '{label}' line:\n{output}");
        }

        return new SessionOutput(summary);
    }
}
