namespace HaDirector.Linux.Netlink.Route;

/// <summary>rtnetlink values from linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h and linux/if.h.</summary>
public static class RouteConstants
{
    // enum in rtnetlink.h: RTM_BASE = 16
    public const ushort NewLink = 16;
    public const ushort DelLink = 17;
    public const ushort GetLink = 18;
    public const ushort NewAddr = 20;
    public const ushort DelAddr = 21;
    public const ushort GetAddr = 22;
    public const ushort NewRoute = 24;
    public const ushort DelRoute = 25;
    public const ushort GetRoute = 26;

    // RTA_* (rtnetlink.h)
    public const ushort RouteAttrDestination = 1;
    public const ushort RouteAttrOutputInterface = 4;
    public const ushort RouteAttrTable = 15;

    // RTN_UNICAST, RTN_LOCAL, RT_SCOPE_LINK, RT_SCOPE_HOST, RT_TABLE_UNSPEC, RT_TABLE_LOCAL (rtnetlink.h)
    public const byte RouteTypeUnicast = 1;
    public const byte RouteTypeLocal = 2;
    public const byte ScopeLink = 253;
    public const byte ScopeHost = 254;
    public const uint TableLocal = 255;
    public const byte TableUnspec = 0;

    // enum rtnetlink_groups; the legacy bind() mask RTMGRP_LINK is 1 << (RTNLGRP_LINK - 1)
    public const int GroupLink = 1;
    public const uint GroupMaskLink = 1;

    // RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR (legacy bind() masks of RTNLGRP_IPV4_IFADDR = 5, RTNLGRP_IPV6_IFADDR = 9)
    public const uint GroupMaskIpv4Address = 0x10;
    public const uint GroupMaskIpv6Address = 0x100;

    // IFLA_* (if_link.h)
    public const ushort LinkAttrAddress = 1;
    public const ushort LinkAttrIfName = 3;
    public const ushort LinkAttrMtu = 4;
    public const ushort LinkAttrOperState = 16;

    // IFA_* (if_addr.h)
    public const ushort AddrAttrAddress = 1;
    public const ushort AddrAttrLocal = 2;
    public const ushort AddrAttrLabel = 3;
    public const ushort AddrAttrCacheInfo = 6;
    public const ushort AddrAttrFlags = 8;

    // IFA_F_* (if_addr.h)
    public const uint AddrFlagNoDad = 0x02;

    // IFF_* (if.h)
    public const uint LinkFlagUp = 0x1;
    public const uint LinkFlagRunning = 0x40;
    public const uint LinkFlagLowerUp = 0x10000;

    // RT_SCOPE_UNIVERSE (rtnetlink.h)
    public const byte ScopeUniverse = 0;
}
