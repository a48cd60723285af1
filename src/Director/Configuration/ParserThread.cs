using System.Runtime.ExceptionServices;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaDirector.Director.Configuration;

/// <summary>
/// YamlDotNet's parser run on a thread of its own, its events handed over in batches: the reader builds the
/// nodes and reads the virtual servers of a large file while the scanner, two thirds of a load, works ahead on
/// the second core. The events and any error reach the reader in the order one parser would give them.
/// </summary>
internal sealed class ParserThread : IParser, IDisposable
{
    private const int BatchSize = 1024;

    private readonly Queue<ParsingEvent[]> _ready = new();
    private readonly object _gate = new();
    private ExceptionDispatchInfo? _failure;
    private bool _finished;
    private volatile bool _abandoned;
    private ParsingEvent[] _batch = [];
    private int _next;

    public ParserThread(string text)
    {
        // A plain thread rather than the pool: the pool may still be starting (this runs first thing in the daemon).
        new Thread(() => Produce(text)) { IsBackground = true, Name = "yaml parser" }.Start();
    }

    public ParsingEvent? Current { get; private set; }

    public bool MoveNext()
    {
        if (_next == _batch.Length && !TakeBatch())
        {
            Current = null;
            return false;
        }

        Current = _batch[_next++];
        return true;
    }

    /// <summary>Tells the thread to stop at its next batch when the reader gave up early (a duplicate key).</summary>
    public void Dispose() => _abandoned = true;

    private bool TakeBatch()
    {
        lock (_gate)
        {
            while (_ready.Count == 0 && !_finished)
            {
                Monitor.Wait(_gate);
            }

            if (_ready.Count > 0)
            {
                _batch = _ready.Dequeue();
                _next = 0;
                return true;
            }
        }

        // Every event before the error has been read: the error comes where one parser would have thrown it.
        _failure?.Throw();
        return false;
    }

    private void Produce(string text)
    {
        var parser = new Parser(new StringReader(text));
        var batch = new List<ParsingEvent>(BatchSize);
        try
        {
            while (!_abandoned && parser.MoveNext())
            {
                batch.Add(parser.Current!);
                if (batch.Count == BatchSize)
                {
                    Publish(batch);
                }
            }
        }
        catch (Exception e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
        }

        Publish(batch);
        lock (_gate)
        {
            _finished = true;
            Monitor.Pulse(_gate);
        }
    }

    private void Publish(List<ParsingEvent> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var events = batch.ToArray();
        batch.Clear();
        lock (_gate)
        {
            _ready.Enqueue(events);
            Monitor.Pulse(_gate);
        }
    }
}
