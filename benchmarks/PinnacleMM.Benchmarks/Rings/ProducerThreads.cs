namespace PinnacleMM.Benchmarks.Rings;

/// <summary>
/// Long-lived producer threads for the transfer benchmarks: each <see cref="Go"/> makes every thread run
/// its body once, so no thread is created inside a measured invocation.
/// </summary>
public sealed class ProducerThreads : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _go;
    private volatile bool _stopping;

    public ProducerThreads(int count, Action<int> body)
    {
        _threads = new Thread[count];
        _go = new SemaphoreSlim[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var go = _go[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() =>
            {
                while (true)
                {
                    go.Wait();
                    if (_stopping)
                    {
                        return;
                    }

                    body(index);
                }
            })
            { IsBackground = true, Name = $"producer-{i}" };
            _threads[i].Start();
        }
    }

    public void Go()
    {
        foreach (var go in _go)
        {
            go.Release();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Go();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        foreach (var go in _go)
        {
            go.Dispose();
        }
    }
}
