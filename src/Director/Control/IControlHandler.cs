namespace HaDirector.Director.Control;

/// <summary>Carries out one control-socket request; the seam between <see cref="ControlServer"/> and the daemon.</summary>
public interface IControlHandler
{
    Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken);
}
