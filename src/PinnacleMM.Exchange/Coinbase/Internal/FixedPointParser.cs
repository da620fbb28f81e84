namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>
/// Converts plain decimal text (<c>digits[.digits]</c>, as every Coinbase price and size is written) into a
/// whole number of grid steps with integer arithmetic. It only ever answers when the answer is certain:
/// anything unusual (a sign, an exponent, more than 18 significant digits, off the grid, overflow) returns
/// false, and the caller falls back to <see cref="Core.Primitives.InstrumentSpec"/>'s exact decimal parser,
/// which either accepts the value or explains the rejection. Measured in the Coinbase benchmarks: the
/// decimal path costs several times more per value than this one, which decides whether a book change
/// fits its budget.
/// </summary>
internal static class FixedPointParser
{
    /// <summary>The largest step scale the fast path handles (10^18 fits in a ulong).</summary>
    public const int MaxScale = 18;

    private const ulong MaxBeforeDigit = (ulong.MaxValue - 9) / 10;

    private static readonly ulong[] Pow10 =
    [
        1UL, 10UL, 100UL, 1_000UL, 10_000UL, 100_000UL, 1_000_000UL, 10_000_000UL, 100_000_000UL, 1_000_000_000UL,
        10_000_000_000UL, 100_000_000_000UL, 1_000_000_000_000UL, 10_000_000_000_000UL, 100_000_000_000_000UL,
        1_000_000_000_000_000UL, 10_000_000_000_000_000UL, 100_000_000_000_000_000UL, 1_000_000_000_000_000_000UL,
    ];

    /// <summary>Converts <paramref name="text"/> to whole <paramref name="step"/>s when that is certain.</summary>
    /// <returns>False when the fast path cannot decide; the result is then undefined and the caller must use the exact parser.</returns>
    public static bool TryParseSteps(ReadOnlySpan<byte> text, in GridStep step, out long steps)
    {
        steps = 0;
        if (!step.IsSupported || text.IsEmpty)
        {
            return false;
        }

        ulong mantissa = 0;
        var fraction = -1;
        var intDigits = 0;
        foreach (var c in text)
        {
            var digit = (uint)(c - '0');
            if (digit <= 9)
            {
                if (mantissa > MaxBeforeDigit)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                if (fraction >= 0)
                {
                    fraction++;
                }
                else
                {
                    intDigits++;
                }
            }
            else if (c == '.' && fraction < 0 && intDigits > 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (fraction == 0)
        {
            return false; // "1." : leave the verdict to the exact parser
        }

        var decimals = Math.Max(fraction, 0);
        while (decimals > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            decimals--;
        }

        // The last digit of the mantissa is not 0 now, so a value with more decimals than the step is off the grid.
        if (decimals > step.Scale)
        {
            return false;
        }

        var multiplier = Pow10[step.Scale - decimals];
        if (mantissa > ulong.MaxValue / multiplier)
        {
            return false;
        }

        var scaled = mantissa * multiplier;
        if (step.Mantissa != 1)
        {
            if (scaled % step.Mantissa != 0)
            {
                return false;
            }

            scaled /= step.Mantissa;
        }

        if (scaled > long.MaxValue)
        {
            return false;
        }

        steps = (long)scaled;
        return true;
    }
}
