namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>
/// A tick or lot size as an integer mantissa and a decimal scale (0.01 is 1 and 2, 0.5 is 5 and 1), so
/// that <see cref="FixedPointParser"/> can convert decimal text to whole steps with integer arithmetic only.
/// </summary>
internal readonly struct GridStep
{
    public GridStep(decimal step)
    {
        var scale = step.Scale;
        var scaled = decimal.Truncate(step * Pow10Decimal(scale));
        if (step <= 0 || scaled > ulong.MaxValue)
        {
            return;
        }

        var mantissa = (ulong)scaled;
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        if (scale <= FixedPointParser.MaxScale)
        {
            Mantissa = mantissa;
            Scale = scale;
            IsSupported = true;
        }
    }

    /// <summary>The step with trailing zeros removed from its digits, e.g. 5 for 0.50.</summary>
    public ulong Mantissa { get; }

    /// <summary>How many decimals the step has after removing trailing zeros, e.g. 1 for 0.50.</summary>
    public int Scale { get; }

    /// <summary>False for a step the fast path cannot represent; every parse then takes the exact decimal path.</summary>
    public bool IsSupported { get; }

    private static decimal Pow10Decimal(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
