package dev.croupier.engine.spi;

import dev.croupier.api.LeasedJob;
import java.util.List;
import java.util.Set;

/**
 * Where leased jobs go: embedded handlers, or the remote workers connected to an engine node.
 * The claim loop never leases work that no sink can take: it reserves credits first, leases at
 * most that many jobs, delivers each job against one reservation, and releases what it did not use.
 * Implementations must be thread-safe and must not block in any method.
 */
public interface JobSink {

  /** Functions this sink may have credits for right now. */
  Set<String> functions();

  /**
   * Whether this sink takes jobs of {@code function} at all, with credits free now or not (its
   * credits may all be reserved by a claim round in flight, or out with jobs that will end). By
   * default, whether {@link #functions} names it.
   */
  default boolean serves(String function) {
    return functions().contains(function);
  }

  /**
   * Whether this sink has room for a job of {@code function} now or once the claim round in
   * flight ends: a credit free, or reserved by that round but not yet used by a job. The engine
   * announces nothing to other engines for jobs it writes of such a function: it takes them
   * itself. By default, whether {@link #functions} names it.
   */
  default boolean hasRoom(String function) {
    return functions().contains(function);
  }

  /** Reserves up to {@code max} slots for {@code function}; returns how many it got (maybe 0). */
  int reserve(String function, int max);

  /** Gives back {@code count} reserved slots that were not used. */
  void release(String function, int count);

  /**
   * Hands over a leased job against one reservation. The sink owns it now: it must complete it
   * (through {@link Leases#complete}) or let its lease expire.
   */
  void deliver(LeasedJob job);

  /**
   * Hands over the jobs one claim leased for this sink, each against one reservation, so that a
   * sink that sends them somewhere can send them together. By default one {@link #deliver} each.
   */
  default void deliverAll(List<LeasedJob> jobs) {
    jobs.forEach(this::deliver);
  }
}
