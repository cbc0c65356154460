package dev.croupier.node.internal.server;

import dev.croupier.engine.spi.JobSink;
import dev.croupier.api.LeasedJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected workers as one {@link JobSink}: per function, the connections serving it and the
 * credits each has granted. The claim loop reserves credits spread round-robin over connections,
 * and each delivered job goes to a connection holding a reservation. A connection that closes
 * takes its credits with it; jobs it held come back through the engine's scavenger once their
 * leases expire. A function with no connection left is no longer offered to the claim loop.
 *
 * <p>Locks are per function and held only for counting; frames are written after releasing them.
 */
final class WorkerRegistry implements JobSink {

  private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);
  /** Most credits one connection may hold for one function: a bound on a buggy peer's grants. */
  static final int MAX_CREDITS = 1 << 20;

  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final Runnable creditsAppeared;
  private final BiConsumer<Peer, List<LeasedJob>> dispatcher;

  /**
   * @param creditsAppeared called (outside any lock) when new credits arrive, to wake claimers
   * @param dispatcher writes leased jobs to a connection, together
   */
  WorkerRegistry(Runnable creditsAppeared, BiConsumer<Peer, List<LeasedJob>> dispatcher) {
    this.creditsAppeared = Objects.requireNonNull(creditsAppeared, "creditsAppeared");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
  }

  /** One connection's credits for one function. Guarded by its pool. */
  private static final class Slot {
    final Peer peer;
    int available;
    int reserved;

    Slot(Peer peer) {
      this.peer = peer;
    }
  }

  /** The connections serving one function. */
  private static final class Pool {
    final List<Slot> slots = new ArrayList<>();
    int cursor;
    volatile int available;
  }

  // ---- connections ----

  /** Starts offering {@code function} from {@code peer} (with no credits yet). */
  void add(Peer peer, String function) {
    pools.compute(function, (f, pool) -> {
      Pool p = pool == null ? new Pool() : pool;
      synchronized (p) {
        if (find(p, peer) == null) {
          p.slots.add(new Slot(peer));
        }
      }
      return p;
    });
  }

  /** Stops offering {@code function} from {@code peer}; its credits vanish. */
  void remove(Peer peer, String function) {
    pools.computeIfPresent(function, (f, p) -> {
      synchronized (p) {
        Slot s = find(p, peer);
        if (s != null) {
          p.slots.remove(s);
          p.available -= s.available;
        }
        return p.slots.isEmpty() ? null : p;
      }
    });
  }

  /** Forgets every function of {@code peer} (it closed). */
  void removeAll(Peer peer) {
    for (String function : List.copyOf(peer.functions().keySet())) {
      remove(peer, function);
    }
  }

  /** Drops the credits of {@code peer}: it is draining and takes no more work. */
  void revokeCredits(Peer peer) {
    for (String function : peer.functions().keySet()) {
      Pool p = pools.get(function);
      if (p == null) {
        continue;
      }
      synchronized (p) {
        Slot s = find(p, peer);
        if (s != null) {
          p.available -= s.available;
          s.available = 0;
        }
      }
    }
  }

  /** Adds {@code n} credits for {@code function} from {@code peer}; false if it is not registered. */
  boolean grant(Peer peer, String function, int n) {
    Pool p = pools.get(function);
    if (p == null) {
      return false;
    }
    synchronized (p) {
      Slot s = find(p, peer);
      if (s == null) {
        return false;
      }
      int before = s.available;
      s.available = (int) Math.min(MAX_CREDITS, (long) s.available + n);
      p.available += s.available - before;
    }
    creditsAppeared.run();
    return true;
  }

  /** Credits {@code peer} has granted for {@code function} and that are not used or reserved. */
  int available(Peer peer, String function) {
    Pool p = pools.get(function);
    if (p == null) {
      return 0;
    }
    synchronized (p) {
      Slot s = find(p, peer);
      return s == null ? 0 : s.available;
    }
  }

  /** Credits every connection granted and the node has not used or reserved (for the gauge). */
  long credits() {
    long n = 0;
    for (Pool p : pools.values()) {
      n += p.available;
    }
    return n;
  }

  // ---- JobSink ----

  @Override
  public Set<String> functions() {
    Set<String> out = new HashSet<>();
    pools.forEach((f, p) -> {
      if (p.available > 0) {
        out.add(f);
      }
    });
    return out;
  }

  @Override
  public boolean serves(String function) {
    return pools.containsKey(function); // a pool goes with its last connection
  }

  @Override
  public boolean hasRoom(String function) {
    Pool p = pools.get(function);
    if (p == null) {
      return false;
    }
    synchronized (p) {
      for (Slot s : p.slots) {
        if ((s.available > 0 || s.reserved > 0) && s.peer.canTakeWork()) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public int reserve(String function, int max) {
    Pool p = pools.get(function);
    if (p == null || max <= 0) {
      return 0;
    }
    int got = 0;
    synchronized (p) {
      int n = p.slots.size();
      // Round-robin one credit at a time, so a batch spreads over the connections.
      boolean progress = true;
      while (got < max && progress) {
        progress = false;
        for (int i = 0; i < n && got < max; i++) {
          Slot s = p.slots.get((p.cursor + i) % n);
          if (s.available > 0 && s.peer.canTakeWork()) {
            s.available--;
            s.reserved++;
            got++;
            progress = true;
          }
        }
      }
      p.cursor = n == 0 ? 0 : (p.cursor + 1) % n;
      p.available -= got;
    }
    return got;
  }

  /**
   * Gives back what a claim round reserved and did not use. Not news for the claim loops: the
   * round that held them has just looked, and a signal that came meanwhile makes that loop look
   * again anyway. (Waking them here made every empty round wake the next one: an idle node with
   * one idle worker ran ~14,600 claim scripts a second.)
   */
  @Override
  public void release(String function, int count) {
    Pool p = pools.get(function);
    if (p == null) {
      return;
    }
    synchronized (p) {
      int left = count;
      for (Slot s : p.slots) {
        int back = Math.min(left, s.reserved);
        s.reserved -= back;
        s.available += back;
        p.available += back;
        left -= back;
      }
    }
  }

  @Override
  public void deliver(LeasedJob job) {
    deliverAll(List.of(job));
  }

  /** Sends each connection its share of {@code jobs} in one go (one frame where it takes batches). */
  @Override
  public void deliverAll(List<LeasedJob> jobs) {
    Map<Peer, List<LeasedJob>> byPeer = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    for (LeasedJob job : jobs) {
      Peer target = take(job.function());
      if (target == null) {
        // The connection that held the reservation is gone: the lease expires and the scavenger
        // requeues the job. Nothing is lost; it only waits one lease timeout.
        log.debug("no connection for job {} of {}; it returns after its lease expires",
            job.id(), job.function());
        continue;
      }
      target.dispatchedAt().put(job.id(), now); // for explain (AdminService)
      byPeer.computeIfAbsent(target, p -> new ArrayList<>()).add(job);
    }
    byPeer.forEach(dispatcher);
  }

  /** Uses one reservation (or, when its holder left, any credit) of a connection serving it. */
  private Peer take(String function) {
    Pool p = pools.get(function);
    if (p == null) {
      return null;
    }
    synchronized (p) {
      for (Slot s : p.slots) {
        if (s.reserved > 0) {
          s.reserved--;
          return s.peer;
        }
      }
      for (Slot s : p.slots) {
        if (s.available > 0 && s.peer.canTakeWork()) {
          s.available--;
          p.available--;
          return s.peer;
        }
      }
    }
    return null;
  }

  /** For the admin stats: the functions some connection serves (with credits or not). */
  Set<String> served() {
    return Set.copyOf(pools.keySet());
  }

  /** For the admin stats: connections serving {@code function}, and their free credits. */
  long[] workersAndCredits(String function) {
    Pool p = pools.get(function);
    if (p == null) {
      return new long[] {0, 0};
    }
    synchronized (p) {
      return new long[] {p.slots.size(), p.available};
    }
  }

  private static Slot find(Pool p, Peer peer) {
    for (Slot s : p.slots) {
      if (s.peer == peer) {
        return s;
      }
    }
    return null;
  }
}
