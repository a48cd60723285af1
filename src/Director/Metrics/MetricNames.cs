namespace HaDirector.Director.Metrics;

/// <summary>
/// Every metric family the daemon exports, named once (docs/metrics.md is the contract: names never drift). The
/// collectors create their metrics with these; the Grafana dashboard test checks its queries against <see cref="All"/>.
/// </summary>
public static class MetricNames
{
    public const string VrrpState = "hadirector_vrrp_state";
    public const string VrrpTransitions = "hadirector_vrrp_transitions_total";
    public const string VrrpAdvertsSent = "hadirector_vrrp_adverts_sent_total";
    public const string VrrpAdvertsReceived = "hadirector_vrrp_adverts_received_total";
    public const string VrrpPriorityZeroSent = "hadirector_vrrp_priority_zero_sent_total";
    public const string VrrpPriorityZeroReceived = "hadirector_vrrp_priority_zero_received_total";
    public const string VrrpPacketsDropped = "hadirector_vrrp_packets_dropped_total";
    public const string VrrpGarpSent = "hadirector_vrrp_garp_sent_total";
    public const string VrrpAuthFailures = "hadirector_vrrp_auth_failures_total";
    public const string VrrpAuthActiveKey = "hadirector_vrrp_auth_active_key_id";
    public const string VrrpForeignAdverts = "hadirector_vrrp_foreign_adverts_total";
    public const string VrrpVipClaims = "hadirector_vrrp_vip_claims_total";
    public const string VrrpVipReadded = "hadirector_vrrp_vip_readded_total";
    public const string VrrpAnnouncementErrors = "hadirector_vrrp_announcement_errors_total";
    public const string VrrpAddressConflicts = "hadirector_vrrp_address_conflicts_total";
    public const string VrrpLearnedIntervalLimited = "hadirector_vrrp_learned_interval_limited_total";
    public const string BuildInfo = "hadirector_build_info";
    public const string VrrpTrackerUp = "hadirector_vrrp_tracker_up";
    public const string VrrpEffectivePriority = "hadirector_vrrp_effective_priority";
    public const string VrrpNotifyRuns = "hadirector_vrrp_notify_runs_total";
    public const string VrrpNotifyFailures = "hadirector_vrrp_notify_failures_total";

    public const string HealthChecks = "hadirector_healthcheck_checks_total";
    public const string HealthCheckDuration = "hadirector_healthcheck_duration_seconds";
    public const string RealServerUp = "hadirector_real_server_up";
    public const string RealServerWeight = "hadirector_real_server_weight";
    public const string RealServerFlaps = "hadirector_real_server_flaps_total";
    public const string RealServerCheckUp = "hadirector_real_server_check_up";

    public const string IpvsOwnedServices = "hadirector_ipvs_owned_services";
    public const string IpvsOwnedDestinations = "hadirector_ipvs_owned_destinations";
    public const string IpvsUnownedServices = "hadirector_ipvs_unowned_services";
    public const string IpvsServiceConnections = "hadirector_ipvs_service_connections_total";
    public const string IpvsServiceIncomingPackets = "hadirector_ipvs_service_incoming_packets_total";
    public const string IpvsServiceOutgoingPackets = "hadirector_ipvs_service_outgoing_packets_total";
    public const string IpvsServiceIncomingBytes = "hadirector_ipvs_service_incoming_bytes_total";
    public const string IpvsServiceOutgoingBytes = "hadirector_ipvs_service_outgoing_bytes_total";
    public const string IpvsBackendConnections = "hadirector_ipvs_backend_connections_total";
    public const string IpvsBackendIncomingPackets = "hadirector_ipvs_backend_incoming_packets_total";
    public const string IpvsBackendOutgoingPackets = "hadirector_ipvs_backend_outgoing_packets_total";
    public const string IpvsBackendIncomingBytes = "hadirector_ipvs_backend_incoming_bytes_total";
    public const string IpvsBackendOutgoingBytes = "hadirector_ipvs_backend_outgoing_bytes_total";
    public const string IpvsBackendConnectionsActive = "hadirector_ipvs_backend_connections_active";
    public const string IpvsBackendConnectionsInactive = "hadirector_ipvs_backend_connections_inactive";
    public const string IpvsBackendWeight = "hadirector_ipvs_backend_weight";
    public const string IpvsReconcilePasses = "hadirector_ipvs_reconcile_passes_total";
    public const string IpvsReconcileFailedPasses = "hadirector_ipvs_reconcile_failed_passes_total";
    public const string IpvsOperations = "hadirector_ipvs_operations_total";
    public const string IpvsNetlinkErrors = "hadirector_ipvs_netlink_errors_total";
    public const string IpvsReconcileDuration = "hadirector_ipvs_reconcile_duration_seconds";
    public const string IpvsPendingOperations = "hadirector_ipvs_pending_operations";

    public const string SettingsUnapplied = "hadirector_settings_unapplied";
    public const string SettingFailures = "hadirector_setting_failures_total";

    public const string AnnounceState = "hadirector_announce_state";
    public const string AnnounceRoutingDaemonUp = "hadirector_announce_routing_daemon_up";
    public const string AnnounceBgpSessionUp = "hadirector_announce_bgp_session_up";
    public const string AnnounceBfdSessionUp = "hadirector_announce_bfd_session_up";

    /// <summary>The histograms among <see cref="All"/>: a scrape shows them as _bucket, _sum and _count.</summary>
    public static IReadOnlyList<string> Histograms { get; } = [HealthCheckDuration];

    public static IReadOnlyList<string> All { get; } =
    [
        VrrpState, VrrpTransitions, VrrpAdvertsSent, VrrpAdvertsReceived, VrrpPriorityZeroSent, VrrpPriorityZeroReceived,
        VrrpPacketsDropped, VrrpGarpSent, VrrpAuthFailures, VrrpAuthActiveKey, VrrpForeignAdverts, VrrpVipClaims, VrrpVipReadded, VrrpAnnouncementErrors, VrrpAddressConflicts, VrrpLearnedIntervalLimited, BuildInfo,
        VrrpTrackerUp, VrrpEffectivePriority, VrrpNotifyRuns, VrrpNotifyFailures,
        HealthChecks, HealthCheckDuration, RealServerUp, RealServerWeight, RealServerFlaps, RealServerCheckUp,
        IpvsOwnedServices, IpvsOwnedDestinations, IpvsUnownedServices,
        IpvsServiceConnections, IpvsServiceIncomingPackets, IpvsServiceOutgoingPackets, IpvsServiceIncomingBytes, IpvsServiceOutgoingBytes,
        IpvsBackendConnections, IpvsBackendIncomingPackets, IpvsBackendOutgoingPackets, IpvsBackendIncomingBytes, IpvsBackendOutgoingBytes,
        IpvsBackendConnectionsActive, IpvsBackendConnectionsInactive, IpvsBackendWeight,
        IpvsReconcilePasses, IpvsReconcileFailedPasses, IpvsOperations, IpvsNetlinkErrors, IpvsReconcileDuration, IpvsPendingOperations,
        SettingsUnapplied, SettingFailures,
        AnnounceState, AnnounceRoutingDaemonUp, AnnounceBgpSessionUp, AnnounceBfdSessionUp,
    ];
}
