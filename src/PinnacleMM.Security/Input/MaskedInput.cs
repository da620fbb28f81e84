namespace PinnacleMM.Security.Input;

/// <summary>
/// Reads a password: on a terminal it shows <c>*</c> per character, handles backspace and aborts cleanly on
/// Ctrl-C or Escape; with redirected standard input (scripts, CI) it reads one line. The result is a pinned
/// <see cref="char"/> array the caller zeroes (<c>Array.Clear</c> or <c>CryptographicOperations.ZeroMemory</c>
/// over its bytes) when done; intermediate buffers are zeroed here.
/// </summary>
public static class MaskedInput
{
    /// <summary>Default longest password, in characters.</summary>
    public const int DefaultMaxLength = 1024;

    /// <summary>Prompts for and reads a password.</summary>
    /// <param name="prompt">Shown before reading (on standard error for the system console); not shown when input is redirected.</param>
    /// <param name="console">The console; the system console when null.</param>
    /// <param name="maxLength">Characters beyond this are ignored; must be positive.</param>
    /// <returns>The password, which the caller must zero.</returns>
    /// <exception cref="OperationCanceledException">The user pressed Ctrl-C or Escape; nothing typed is kept.</exception>
    /// <exception cref="EndOfStreamException">Redirected input ended before any line.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is not positive.</exception>
    public static char[] ReadPassword(string prompt, IConsoleIO? console = null, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        console ??= SystemConsoleIO.Instance;
        var buffer = GC.AllocateArray<char>(Math.Min(maxLength, 256), pinned: true);
        var length = 0;
        try
        {
            if (console.IsInputRedirected)
            {
                length = ReadLine(console.In, ref buffer, maxLength);
            }
            else
            {
                console.Write(prompt);
                length = ReadMasked(console, ref buffer, maxLength);
            }

            var result = GC.AllocateArray<char>(length, pinned: true);
            buffer.AsSpan(0, length).CopyTo(result);
            return result;
        }
        finally
        {
            Array.Clear(buffer);
        }
    }

    private static int ReadMasked(IConsoleIO console, ref char[] buffer, int maxLength)
    {
        var previous = console.TreatControlCAsInput;
        console.TreatControlCAsInput = true; // Ctrl-C arrives as a key, so we can clean up instead of dying mid-read
        var length = 0;
        try
        {
            while (true)
            {
                var key = console.ReadKey();
                if (key.Key == ConsoleKey.Enter)
                {
                    console.Write(Environment.NewLine);
                    return length;
                }

                if ((key.Key == ConsoleKey.C && (key.Modifiers & ConsoleModifiers.Control) != 0) || key.KeyChar == '\u0003' || key.Key == ConsoleKey.Escape)
                {
                    console.Write(Environment.NewLine);
                    throw new OperationCanceledException("password entry was cancelled");
                }

                if (key.Key == ConsoleKey.Backspace || key.KeyChar == '\b')
                {
                    if (length > 0)
                    {
                        buffer[--length] = '\0';
                        console.Write("\b \b");
                    }

                    continue;
                }

                if (char.IsControl(key.KeyChar) || length >= maxLength)
                {
                    continue;
                }

                Append(ref buffer, ref length, key.KeyChar, maxLength);
                console.Write("*");
            }
        }
        finally
        {
            console.TreatControlCAsInput = previous;
        }
    }

    private static int ReadLine(TextReader reader, ref char[] buffer, int maxLength)
    {
        var length = 0;
        var any = false;
        int next;
        while ((next = reader.Read()) >= 0)
        {
            any = true;
            if (next == '\n')
            {
                break;
            }

            if (length < maxLength)
            {
                Append(ref buffer, ref length, (char)next, maxLength);
            }
        }

        if (!any)
        {
            throw new EndOfStreamException("standard input ended before a password was read");
        }

        return length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
    }

    private static void Append(ref char[] buffer, ref int length, char c, int maxLength)
    {
        if (length == buffer.Length)
        {
            var larger = GC.AllocateArray<char>(Math.Min(maxLength, buffer.Length * 2), pinned: true);
            buffer.CopyTo(larger, 0);
            Array.Clear(buffer);
            buffer = larger;
        }

        buffer[length++] = c;
    }
}
