namespace HaDirector.Vrrp.Election;

/// <summary>RFC 5798 §6.4 states, plus Fault (keepalived's) while the interface is down.</summary>
public enum VrrpState
{
    Initialize,
    Backup,
    Master,
    Fault,
}
