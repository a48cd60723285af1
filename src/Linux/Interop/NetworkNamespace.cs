using Microsoft.Win32.SafeHandles;

namespace HaDirector.Linux.Interop;

/// <summary>
/// Runs code inside another network namespace. setns(2) moves only the calling thread, so the work
/// runs on a dedicated thread that is thrown away afterwards: no pooled thread ever stays in the
/// wrong namespace. Sockets keep the namespace they were created in, so the usual pattern is to
/// create sockets inside and use them from anywhere.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where `ip netns add NAME` puts the namespace file.</summary>
    public static string PathOf(string name) => Path.Combine("/run/netns", name);

    /// <summary>Runs <paramref name="work"/> in the namespace at <paramref name="path"/> (e.g. /run/netns/lb1).</summary>
    public static T Run<T>(string path, Func<T> work) => OnDedicatedThread("netns " + path, () =>
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        LinuxError.ThrowIfFailed(Libc.SetNs(handle, LinuxConstants.CloneNewNet), $"setns({path})");
        return work();
    });

    /// <summary>
    /// Runs <paramref name="work"/> in a brand-new, empty network namespace (only a down "lo") that
    /// disappears when the last socket created in it is closed.
    /// </summary>
    public static T RunInNew<T>(Func<T> work) => OnDedicatedThread("netns (new)", () =>
    {
        LinuxError.ThrowIfFailed(Libc.Unshare(LinuxConstants.CloneNewNet), "unshare(CLONE_NEWNET)");
        return work();
    });

    private static T OnDedicatedThread<T>(string name, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return result;
    }
}
