using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class ValueListTests
{
    [Fact]
    public void Equals_SameItems_IsTrueWithTheSameHash()
    {
        ValueList<string> a = ["x", "y"];
        ValueList<string> b = ["x", "y"];

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_OtherOrder_IsFalse()
    {
        ValueList<string> a = ["x", "y"];
        ValueList<string> b = ["y", "x"];

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ToString_Items_AreBracketed()
    {
        Assert.Equal("[1, 2]", new ValueList<int>([1, 2]).ToString());
    }
}
