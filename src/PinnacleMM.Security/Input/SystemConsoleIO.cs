namespace PinnacleMM.Security.Input;

/// <summary><see cref="IConsoleIO"/> over <see cref="Console"/>; the prompt goes to standard error so piped output stays clean.</summary>
internal sealed class SystemConsoleIO : IConsoleIO
{
    public static SystemConsoleIO Instance { get; } = new();

    public bool IsInputRedirected => Console.IsInputRedirected;

    public bool TreatControlCAsInput
    {
        get => !Console.IsInputRedirected && Console.TreatControlCAsInput;
        set
        {
            if (!Console.IsInputRedirected)
            {
                Console.TreatControlCAsInput = value;
            }
        }
    }

    public TextReader In => Console.In;

    public ConsoleKeyInfo ReadKey() => Console.ReadKey(intercept: true);

    public void Write(string text) => Console.Error.Write(text);
}
