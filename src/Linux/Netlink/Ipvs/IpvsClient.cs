using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Genetlink;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// The IPVS table over generic netlink: one socket, the family id resolved once. Every method is one
/// request/response except <see cref="Execute(IpvsBatch)"/>, which pipelines thousands of edits.
/// Nothing here ever flushes implicitly. Calls are serialised; the socket belongs to the network
/// namespace it was opened in.
/// </summary>
public sealed class IpvsClient : IDisposable
{
    private readonly INetlinkConnection _connection;
    private readonly Lock _gate = new();
    private readonly NetlinkWriter _writer = new(4096);

    public IpvsClient(INetlinkConnection connection, ushort familyId)
    {
        _connection = connection;
        FamilyId = familyId;
    }

    /// <summary>The message type the controller assigned to "IPVS" when ip_vs was loaded.</summary>
    public ushort FamilyId { get; }

    /// <summary>
    /// Opens a generic netlink socket and resolves the IPVS family. Throws
    /// <see cref="GenericNetlinkFamilyNotFoundException"/> "the kernel has no IPVS (genetlink family 'IPVS' not found)"
    /// when ip_vs is not loaded (load it with `modprobe ip_vs` or build it in; the family is not auto-loaded).
    /// </summary>
    public static IpvsClient Open() => Create(NetlinkSocket.Open(LinuxConstants.NetlinkGeneric));

    /// <summary>Resolves the family over <paramref name="connection"/>, which the client then owns.</summary>
    public static IpvsClient Create(INetlinkConnection connection)
    {
        try
        {
            var family = GenericNetlinkResolver.Resolve(connection, IpvsKernel.FamilyName, "IPVS");
            return new IpvsClient(connection, family.Id);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public IpvsInfo GetInfo()
    {
        uint version = 0, tableSize = 0;
        Do(w => IpvsRequests.Command(w, FamilyId, IpvsKernel.Command.GetInfo), "IPVS_CMD_GET_INFO", null, message =>
        {
            foreach (var attribute in message.GenericAttributes)
            {
                switch (attribute.Type)
                {
                    case IpvsKernel.InfoAttr.Version:
                        version = attribute.GetU32();
                        break;
                    case IpvsKernel.InfoAttr.ConnectionTableSize:
                        tableSize = attribute.GetU32();
                        break;
                }
            }
        });
        return new IpvsInfo(version, tableSize);
    }

    // ----- services

    public IReadOnlyList<IpvsServiceEntry> GetServices() =>
        Collect(w => IpvsRequests.DumpServices(w, FamilyId), "IPVS_CMD_GET_SERVICE dump", null, IpvsKernel.CommandAttr.Service, IpvsServiceCodec.Read);

    /// <summary>The service with the key of <paramref name="service"/>, or null if there is none.</summary>
    public IpvsServiceEntry? GetService(IpvsService service)
    {
        try
        {
            return Collect(w => IpvsRequests.Service(w, FamilyId, IpvsKernel.Command.GetService, service), $"get service {service}", null,
                IpvsKernel.CommandAttr.Service, IpvsServiceCodec.Read).SingleOrDefault();
        }
        catch (IpvsErrorException ex) when (ex.Errno == Errno.ESRCH)
        {
            return null;
        }
    }

    public void AddService(IpvsService service) => Edit(new(IpvsOperationKind.AddService, service));

    public void UpdateService(IpvsService service) => Edit(new(IpvsOperationKind.UpdateService, service));

    public void DeleteService(IpvsService service) => Edit(new(IpvsOperationKind.DeleteService, service));

    // ----- destinations

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service) =>
        Collect(w => IpvsRequests.DumpDestinations(w, FamilyId, service), $"list real servers of service {service}", null,
            IpvsKernel.CommandAttr.Dest, nest => IpvsDestinationCodec.Read(nest, service.Family));

    public void AddDestination(IpvsService service, IpvsDestination destination) =>
        Edit(new(IpvsOperationKind.AddDestination, service, destination));

    public void UpdateDestination(IpvsService service, IpvsDestination destination) =>
        Edit(new(IpvsOperationKind.UpdateDestination, service, destination));

    public void DeleteDestination(IpvsService service, IpvsDestination destination) =>
        Edit(new(IpvsOperationKind.DeleteDestination, service, destination));

    // ----- batch

    /// <summary>
    /// Sends every edit of <paramref name="batch"/> pipelined and returns one result per edit, in order.
    /// A failed edit is reported in its result (a typed <see cref="IpvsErrorException"/>) and does not stop
    /// the others. Only transport failures (socket errors) throw.
    /// </summary>
    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            var writer = new NetlinkWriter(batch.Count * 128);
            foreach (var operation in batch.Operations)
            {
                Write(writer, operation);
            }

            var acks = _connection.ExecuteBatch(writer.WrittenSpanMutable, $"IPVS batch of {batch.Count}");
            var results = new IpvsOperationResult[batch.Count];
            for (var i = 0; i < results.Length; i++)
            {
                var operation = batch.Operations[i];
                var error = acks[i].IsSuccess ? null : new IpvsErrorException(acks[i].Errno, operation.ToString(), acks[i].KernelMessage, operation);
                results[i] = new IpvsOperationResult(operation, error);
            }

            return results;
        }
    }

    // ----- sync daemons

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() =>
        Collect(w => IpvsRequests.DumpDaemons(w, FamilyId), "IPVS_CMD_GET_DAEMON dump", null, IpvsKernel.CommandAttr.Daemon, IpvsDaemonCodec.Read);

    /// <summary>Starts a sync daemon; EEXIST if one of that role runs already.</summary>
    public void StartDaemon(IpvsSyncDaemon daemon) =>
        Do(w => IpvsRequests.NewDaemon(w, FamilyId, daemon), $"start {daemon.State.ToString().ToLowerInvariant()} sync daemon on {daemon.InterfaceName}", null, null);

    /// <summary>Stops the sync daemon of a role; ESRCH if none runs.</summary>
    public void StopDaemon(IpvsSyncState state) =>
        Do(w => IpvsRequests.DelDaemon(w, FamilyId, state), $"stop {state.ToString().ToLowerInvariant()} sync daemon", null, null);

    // ----- timeouts, flush

    public IpvsTimeouts GetTimeouts()
    {
        uint tcp = 0, tcpFin = 0, udp = 0;
        Do(w => IpvsRequests.Command(w, FamilyId, IpvsKernel.Command.GetConfig), "IPVS_CMD_GET_CONFIG", null, message =>
        {
            foreach (var attribute in message.GenericAttributes)
            {
                switch (attribute.Type)
                {
                    case IpvsKernel.CommandAttr.TimeoutTcp:
                        tcp = attribute.GetU32();
                        break;
                    case IpvsKernel.CommandAttr.TimeoutTcpFin:
                        tcpFin = attribute.GetU32();
                        break;
                    case IpvsKernel.CommandAttr.TimeoutUdp:
                        udp = attribute.GetU32();
                        break;
                }
            }
        });
        return new IpvsTimeouts(tcp, tcpFin, udp);
    }

    public void SetTimeouts(IpvsTimeouts timeouts) =>
        Do(w => IpvsRequests.SetTimeouts(w, FamilyId, timeouts), "set IPVS timeouts", null, null);

    /// <summary>Resets the counters of <paramref name="service"/>, or of all services when null (ipvsadm -Z).</summary>
    public void ZeroCounters(IpvsService? service = null) =>
        Do(w => IpvsRequests.Zero(w, FamilyId, service), service is null ? "zero all IPVS counters" : $"zero the counters of service {service}", null, null);

    /// <summary>Deletes every service and destination in this namespace. Never called by the library itself.</summary>
    public void Flush() =>
        Do(w => IpvsRequests.Command(w, FamilyId, IpvsKernel.Command.Flush), "flush the IPVS table", null, null);

    public void Dispose() => _connection.Dispose();

    private void Write(NetlinkWriter writer, IpvsOperation operation)
    {
        if (operation.Destination is { } destination)
        {
            IpvsRequests.Destination(writer, FamilyId, operation.Command, operation.Service, destination);
        }
        else
        {
            IpvsRequests.Service(writer, FamilyId, operation.Command, operation.Service);
        }
    }

    private void Edit(IpvsOperation operation) => Do(w => Write(w, operation), operation.ToString(), operation, null);

    /// <summary>Runs a request and reads every top-level nest of <paramref name="attributeType"/> in the replies.</summary>
    private List<T> Collect<T>(Action<NetlinkWriter> write, string description, IpvsOperation? operation, ushort attributeType, Func<NetlinkAttributeReader, T> read)
    {
        var items = new List<T>();
        Do(write, description, operation, message =>
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == attributeType)
                {
                    items.Add(read(attribute.Nested));
                }
            }
        });
        return items;
    }

    private void Do(Action<NetlinkWriter> write, string description, IpvsOperation? operation, NetlinkMessageHandler? onReply)
    {
        lock (_gate)
        {
            _writer.Clear();
            write(_writer);
            try
            {
                _connection.Execute(_writer.WrittenSpanMutable, onReply, description);
            }
            catch (NetlinkErrorException ex) when (ex is not IpvsErrorException)
            {
                throw new IpvsErrorException(ex.Errno, description, ex.KernelMessage, operation);
            }
        }
    }
}
