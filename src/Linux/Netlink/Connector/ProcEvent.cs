namespace HaDirector.Linux.Netlink.Connector;

/// <summary>
/// One process event of the kernel's proc connector (linux/cn_proc.h), reduced to what a process watch needs:
/// <see cref="Pid"/> is the thread, <see cref="Tgid"/> its process (equal for a process's first thread).
/// </summary>
public readonly record struct ProcEvent(ProcEventKind Kind, int Pid, int Tgid);
