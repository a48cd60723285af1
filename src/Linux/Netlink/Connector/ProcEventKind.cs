namespace HaDirector.Linux.Netlink.Connector;

public enum ProcEventKind
{
    /// <summary>PROC_EVENT_FORK: <see cref="ProcEvent.Pid"/>/<see cref="ProcEvent.Tgid"/> are the child's (it runs the parent's program).</summary>
    Fork,

    /// <summary>PROC_EVENT_EXEC: the process runs a new program (its comm and cmdline are already the new ones).</summary>
    Exec,

    /// <summary>PROC_EVENT_COMM: the process renamed itself (prctl PR_SET_NAME).</summary>
    Comm,

    /// <summary>PROC_EVENT_EXIT.</summary>
    Exit,

    /// <summary>The socket overflowed (ENOBUFS): events were lost, the watcher must look at /proc again.</summary>
    Lost,
}
