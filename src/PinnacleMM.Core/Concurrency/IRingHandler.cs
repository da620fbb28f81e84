namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// Receives items drained from a ring by <see cref="SpscRing{T}.Drain{THandler}(ref THandler, int)"/> or
/// <see cref="MpscRing{T}.Drain{THandler}(ref THandler, int)"/>. Implement it on a struct so that the
/// call is devirtualized and inlined by the JIT; the handler is passed by reference, so state it keeps
/// in its fields survives the drain.
/// </summary>
/// <typeparam name="T">The ring's item type.</typeparam>
public interface IRingHandler<T>
    where T : struct
{
    /// <summary>Handles one item. The reference is only valid for the duration of the call.</summary>
    /// <param name="item">The item, read in place from the ring's slot.</param>
    /// <param name="sequence">The item's position in the ring's stream (0 for the first item ever written).</param>
    /// <param name="endOfBatch">
    /// <see langword="true"/> for the last item of this drain call: the place to flush or group-commit work.
    /// </param>
    void OnItem(in T item, long sequence, bool endOfBatch);
}
