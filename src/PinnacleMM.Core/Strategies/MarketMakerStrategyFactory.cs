using Microsoft.Extensions.Options;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// Creates the built-in strategies from the options registered with
/// <c>services.AddBasicMarketMaker(...)</c> and
/// <c>services.AddAvellanedaStoikovMarketMaker(...)</c> (defaults when a strategy's options were not registered), with the container's <see cref="TimeProvider"/> and
/// <see cref="MonotonicClock"/>. The engine asks it for one strategy per instrument.
/// </summary>
/// <remarks>Thread-safe; each call returns a new strategy (a strategy itself belongs to one thread).</remarks>
public sealed class MarketMakerStrategyFactory
{
    private readonly IOptionsMonitor<BasicMarketMakerOptions> _basic;
    private readonly IOptionsMonitor<AvellanedaStoikovOptions> _avellanedaStoikov;
    private readonly TimeProvider _timeProvider;
    private readonly MonotonicClock _clock;

    /// <summary>Creates the factory; normally resolved from the container.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public MarketMakerStrategyFactory(
        IOptionsMonitor<BasicMarketMakerOptions> basic,
        IOptionsMonitor<AvellanedaStoikovOptions> avellanedaStoikov,
        TimeProvider timeProvider,
        MonotonicClock clock)
    {
        ArgumentNullException.ThrowIfNull(basic);
        ArgumentNullException.ThrowIfNull(avellanedaStoikov);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(clock);
        _basic = basic;
        _avellanedaStoikov = avellanedaStoikov;
        _timeProvider = timeProvider;
        _clock = clock;
    }

    /// <summary>Creates a <see cref="BasicMarketMaker"/> for <paramref name="instrument"/> with the current (validated) options.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="position">The position to update with fills; a new flat one when null.</param>
    /// <exception cref="ArgumentException">A configured quantity is off the instrument's lot grid; the message names the field.</exception>
    /// <exception cref="OptionsValidationException">The options break a rule; the message names every broken field.</exception>
    public BasicMarketMaker CreateBasicMarketMaker(InstrumentSpec instrument, PositionTracker? position = null) =>
        new(instrument, _basic.CurrentValue, _clock, _timeProvider, position);

    /// <summary>Creates an <see cref="AvellanedaStoikovMarketMaker"/> for <paramref name="instrument"/> with the current (validated) options.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="position">The position to update with fills; a new flat one when null.</param>
    /// <exception cref="ArgumentException">A configured quantity is off the instrument's lot grid; the message names the field.</exception>
    /// <exception cref="OptionsValidationException">The options break a rule; the message names every broken field.</exception>
    public AvellanedaStoikovMarketMaker CreateAvellanedaStoikovMarketMaker(InstrumentSpec instrument, PositionTracker? position = null) =>
        new(instrument, _avellanedaStoikov.CurrentValue, _clock, _timeProvider, position);
}
