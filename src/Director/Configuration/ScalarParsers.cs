using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Director.Configuration;

/// <summary>Parsers for one YAML scalar each; their error messages read after <c>field.path: </c>.</summary>
internal static class ScalarParsers
{
    public static Func<string, Parsed<int>> Int(int min, int max) => text =>
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return new ParseError($"expected an integer, got '{text}'");
        }

        if (value < min || value > max)
        {
            return new ParseError(max == int.MaxValue
                ? $"must be at least {min}, got {value}"
                : $"must be {min}..{max}, got {value}");
        }

        return value;
    };

    public static Parsed<bool> Bool(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => new ParseError($"expected true or false, got '{text}'"),
    };

    public static Parsed<string> NonEmpty(string text) =>
        text.Length == 0 ? new ParseError("must not be empty") : text;

    public static Func<string, Parsed<TimeSpan>> Duration(TimeSpan min, TimeSpan max) => text =>
    {
        var parsed = DurationText.Parse(text);
        if (parsed.Ok && (parsed.Value < min || parsed.Value > max))
        {
            return new ParseError(
                $"must be {DurationText.Format(min)}..{DurationText.Format(max)}, got {DurationText.Format(parsed.Value)}");
        }

        return parsed;
    };

    public static Parsed<IPAddress> Ipv4(string text) =>
        TryIpv4(text, out var address) ? address : new ParseError($"expected an IPv4 address like 10.0.0.1, got '{text}'");

    public static Parsed<VirtualAddress> VirtualAddress(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        var prefix = 32;
        if (!TryIpv4(addressText, out var address)
            || (slash >= 0 && !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
            || prefix > 32)
        {
            return new ParseError($"expected an IPv4 address with an optional prefix like 10.0.0.1/32, got '{text}'");
        }

        return new VirtualAddress(address, prefix);
    }

    /// <summary>A netmask must be contiguous ones, as IPVS applies it to the client address.</summary>
    public static Parsed<IPAddress> Netmask(string text)
    {
        if (TryIpv4(text, out var mask))
        {
            var bits = BitConverter.ToUInt32([.. mask.GetAddressBytes().Reverse()]);
            if ((~bits & (~bits + 1)) == 0)
            {
                return mask;
            }
        }

        return new ParseError($"expected a netmask like 255.255.255.0, got '{text}'");
    }

    public static Parsed<IPEndPoint> Endpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint)
            && endpoint.Port > 0
            && text.EndsWith($":{endpoint.Port}", StringComparison.Ordinal)
            && (endpoint.AddressFamily == AddressFamily.InterNetworkV6 || TryIpv4(text[..text.LastIndexOf(':')], out _)))
        {
            return endpoint;
        }

        return new ParseError($"expected an address and port like 127.0.0.1:9810, or off, got '{text}'");
    }

    public static Parsed<StatusRange> Status(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? text : text[..dash];
        var toText = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || from < 100 || to > 599 || from > to)
        {
            return new ParseError($"expected an HTTP status 100..599 or a range like 200-299, got '{text}'");
        }

        return new StatusRange(from, to);
    }

    /// <summary>Enum members as camelCase names (<c>pseudoHeader</c>, <c>dr</c>), with a suggestion for a typo.</summary>
    public static Parsed<T> Enum<T>(string text)
        where T : struct, Enum
    {
        var names = EnumNames<T>.Names;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i] == text)
            {
                return EnumNames<T>.Values[i];
            }
        }

        return new ParseError(OneOfMessage(text, names));
    }

    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var index = Array.IndexOf(EnumNames<T>.Values, value);
        return index >= 0 ? EnumNames<T>.Names[index] : CamelCase(value.ToString());
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Each enum's members and names, worked out once rather than for every value read.</summary>
    private static class EnumNames<T>
        where T : struct, Enum
    {
        // The generic overload: the untyped one may need code made at run time (IL3050), which the
        // Native AOT binary cannot make.
        public static readonly T[] Values = System.Enum.GetValues<T>();

        public static readonly string[] Names = NamesOf(Values);

        private static string[] NamesOf(T[] values)
        {
            var names = new string[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                names[i] = CamelCase(values[i].ToString());
            }

            return names;
        }
    }

    public static string OneOfMessage(string text, IReadOnlyList<string> names)
    {
        var closest = ClosestName.Find(text, names);
        var hint = closest is null ? "" : $"; did you mean '{closest}'?";
        return $"expected one of {string.Join(", ", names)}, got '{text}'{hint}";
    }

    /// <summary>
    /// Dotted quad only, written the way it would be printed (no leading zeros): IPAddress.TryParse would take
    /// "10.1" or "1". Parsed by hand because IPAddress's parser and formatter are generic over the character
    /// type and are JIT-compiled at every start (ReadyToRun has no code for them), seconds in an emulated VM.
    /// </summary>
    private static bool TryIpv4(string text, out IPAddress address)
    {
        address = IPAddress.None;
        uint value = 0;
        var position = 0;
        for (var part = 0; part < 4; part++)
        {
            if (part > 0)
            {
                if (position >= text.Length || text[position] != '.')
                {
                    return false;
                }

                position++;
            }

            var start = position;
            var octet = 0;
            while (position < text.Length && char.IsAsciiDigit(text[position]) && position - start < 3)
            {
                octet = octet * 10 + (text[position] - '0');
                position++;
            }

            var digits = position - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            // IPAddress(long) takes the address as it lies in memory: first octet in the lowest byte.
            value |= (uint)octet << (8 * part);
        }

        if (position != text.Length)
        {
            return false;
        }

        address = new IPAddress(value);
        return true;
    }
}
