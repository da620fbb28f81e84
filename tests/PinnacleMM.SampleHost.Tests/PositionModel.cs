using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// Position and P&amp;L of a list of fills by the average-cost method, written here independently of the Core
/// <c>PositionTracker</c> so that a session's summary can be checked against its journaled fills.
/// </summary>
internal sealed class PositionModel
{
    /// <summary>Signed position in base currency.</summary>
    public decimal Position { get; private set; }

    /// <summary>Signed cost of the open position (position × average entry price).</summary>
    public decimal Cost { get; private set; }

    public decimal Realized { get; private set; }

    public decimal Fees { get; private set; }

    public decimal Volume { get; private set; }

    public static PositionModel Of(IEnumerable<ExecutionEvent> fills)
    {
        var model = new PositionModel();
        foreach (var fill in fills)
        {
            model.Apply(fill.Side, EngineJournal.Size(fill.Quantity), EngineJournal.Price(fill.Price), fill.Fee);
        }

        return model;
    }

    /// <summary>The open position marked to <paramref name="mark"/>.</summary>
    public decimal Unrealized(decimal mark) => Position * mark - Cost;

    private void Apply(Side side, decimal size, decimal price, decimal fee)
    {
        Volume += size;
        Fees += fee;
        var signed = side == Side.Buy ? size : -size;
        if (Position == 0 || Math.Sign(signed) == Math.Sign(Position))
        {
            Position += signed;
            Cost += signed * price;
            return;
        }

        // Closing (part of) the position at the average entry price; what is left over opens the other way.
        var average = Cost / Position;
        var closed = Math.Min(size, Math.Abs(Position));
        Realized += closed * (price - average) * Math.Sign(Position);
        Cost -= closed * average * Math.Sign(Position);
        Position += signed;
        if (Math.Sign(Position) == Math.Sign(signed))
        {
            Cost = Position * price;
        }
        else if (Position == 0)
        {
            Cost = 0;
        }
    }
}
