using System.Threading.Channels;

namespace PinnacleMM.Benchmarks.Rings;

/// <summary>
/// The idiomatic way to use a channel from a dedicated thread: try first, and only when that fails block
/// on the wait (which allocates only when it really has to wait).
/// </summary>
public static class ChannelSync
{
    public static void Write(ChannelWriter<MarketMessage> writer, in MarketMessage message)
    {
        while (!writer.TryWrite(message))
        {
            Wait(writer.WaitToWriteAsync());
        }
    }

    public static MarketMessage Read(ChannelReader<MarketMessage> reader)
    {
        MarketMessage message;
        while (!reader.TryRead(out message))
        {
            Wait(reader.WaitToReadAsync());
        }

        return message;
    }

    private static void Wait(ValueTask<bool> wait)
    {
        if (!wait.IsCompletedSuccessfully)
        {
            wait.AsTask().GetAwaiter().GetResult();
        }
    }
}
