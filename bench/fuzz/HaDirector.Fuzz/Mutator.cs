namespace HaDirector.Fuzz;

/// <summary>
/// A small seeded mutator for the smoke run (no AFL, no instrumentation): bit flips, interesting bytes, inserts,
/// deletes, duplicated runs and splices of corpus inputs, a few per child. Deterministic for a given seed.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> corpus, int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0d, 0x10, 0x1f, 0x20, 0x7f, 0x80, 0xfe, 0xff];

    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var data = new List<byte>(corpus.Count == 0 ? [] : corpus[_random.Next(corpus.Count)]);
        var steps = 1 + _random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            Mutate(data);
        }

        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        var at = data.Count == 0 ? 0 : _random.Next(data.Count);
        switch (_random.Next(data.Count == 0 ? 1 : 8))
        {
            case 0:
                data.InsertRange(at, RandomBytes(1 + _random.Next(8)));
                break;
            case 1:
                data[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 2:
                data[at] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 3:
                data[at] = (byte)_random.Next(256);
                break;
            case 4:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + _random.Next(16)));
                break;
            case 5:
                var run = data.GetRange(at, Math.Min(data.Count - at, 1 + _random.Next(32)));
                data.InsertRange(_random.Next(data.Count + 1), run);
                break;
            case 6:
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                var other = corpus[_random.Next(corpus.Count)];
                if (other.Length > 0)
                {
                    var from = _random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + _random.Next(64))).ToArray());
                }

                break;
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
