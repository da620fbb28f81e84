namespace PackageConsumer;

/// <summary>Prints one line per check, <c>ok name: detail</c> or <c>FAILED name: detail</c>, and counts failures.</summary>
internal sealed class Checks
{
    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public void That(string name, bool condition, string detail)
    {
        if (condition)
        {
            Passed++;
        }
        else
        {
            Failed++;
        }

        Console.WriteLine($"{(condition ? "ok" : "FAILED")} {name}: {detail}");
    }

    /// <summary>Prints the summary line and returns the process exit code: 0 only when every check held.</summary>
    public int Finish()
    {
        Console.WriteLine($"checks: {Passed} passed, {Failed} failed");
        return Failed == 0 && Passed > 0 ? 0 : 1;
    }
}
