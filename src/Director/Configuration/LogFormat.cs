namespace HaDirector.Director.Configuration;

/// <summary>Console log format; json is one object per line for journald and collectors.</summary>
public enum LogFormat
{
    Text,
    Json,
}
