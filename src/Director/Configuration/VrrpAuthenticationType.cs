namespace HaDirector.Director.Configuration;

/// <summary>Only the text password: keepalived's AH mode is not interoperable and not offered.</summary>
public enum VrrpAuthenticationType
{
    Pass,
}
