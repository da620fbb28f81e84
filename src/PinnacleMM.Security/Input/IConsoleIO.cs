namespace PinnacleMM.Security.Input;

/// <summary>The console operations <see cref="MaskedInput"/> needs, so that tests (or a GUI host) can supply their own.</summary>
public interface IConsoleIO
{
    /// <summary>Whether standard input is redirected (a pipe or file, no terminal to read keys from).</summary>
    bool IsInputRedirected { get; }

    /// <summary>Whether Ctrl-C is delivered as a key instead of a signal.</summary>
    bool TreatControlCAsInput { get; set; }

    /// <summary>Standard input as text, used when it is redirected.</summary>
    TextReader In { get; }

    /// <summary>Reads one key without echoing it.</summary>
    /// <returns>The key.</returns>
    ConsoleKeyInfo ReadKey();

    /// <summary>Writes text to the terminal (prompt and mask characters only).</summary>
    /// <param name="text">The text.</param>
    void Write(string text);
}
