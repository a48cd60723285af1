namespace HaDirector.HealthCheck.Probes;

/// <summary>
/// The thread an engine's loop runs on, and its end. Completions run inline on the loop, so an awaiter may dispose
/// its engine from the loop's own thread, which cannot join itself: the loop then ends after that callback and a
/// pool thread finishes the disposal.
/// </summary>
internal sealed class EngineThread
{
    private readonly Thread _thread;

    public EngineThread(string name, ThreadStart loop)
    {
        _thread = new Thread(loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Once the loop has been told to stop: waits for it to return, then runs <paramref name="release"/>.</summary>
    public void Join(Action release)
    {
        if (Thread.CurrentThread == _thread)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Self.JoinThen(s.Release), (Self: this, Release: release), preferLocal: false);
            return;
        }

        JoinThen(release);
    }

    private void JoinThen(Action release)
    {
        _thread.Join();
        release();
    }
}
