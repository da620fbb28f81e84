namespace PinnacleMM.Security.Audit;

/// <summary>Where components send security events (the vault, the pin validator, the sample host's commands).</summary>
public interface IAuditLog
{
    /// <summary>Queues an event without blocking. When the queue is full the event is counted as dropped and the count is recorded later.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <returns>Whether the event was queued (false: dropped and counted).</returns>
    /// <exception cref="ArgumentException">A field of the event is invalid (see <see cref="AuditEvent.Validate"/>), or its record could never fit in one file of the log (see <see cref="AuditLog.TryWrite"/>).</exception>
    bool TryWrite(AuditEvent auditEvent);
}
