namespace PinnacleMM.Exchange.Simulator;

/// <summary>How the simulator's virtual time relates to real time.</summary>
public enum SimulatorTimeMode
{
    /// <summary>Faster than real time: virtual time moves only when the caller runs the simulation (<see cref="ExchangeSimulator.RunFor"/>), as fast as the machine allows. For research and tests.</summary>
    Virtual = 0,

    /// <summary>Paced: a background loop keeps virtual time at the <see cref="TimeProvider"/>'s elapsed time × <see cref="ExchangeSimulatorOptions.Speed"/>, from the first connect until disposal. For live-like sessions.</summary>
    RealTime = 1,
}
