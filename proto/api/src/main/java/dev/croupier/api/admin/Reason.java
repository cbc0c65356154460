package dev.croupier.api.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The constraint that holds a job now, with its numbers. Each kind has a stable
 * {@link Kind#number()}, the value the wire protocol carries.
 */
public sealed interface Reason {

  /** The kinds of reason, numbered as on the wire ({@code ExplainReason} in croupier.proto). */
  enum Kind {
    TENANT_PAUSED(1),
    FUNCTION_PAUSED(2),
    DELAYED(3),
    BACKING_OFF(4),
    CONCURRENCY_KEY_AT_LIMIT(5),
    FUNCTION_AT_LIMIT(6),
    TENANT_AT_LIMIT(7),
    TENANT_FUNCTION_AT_LIMIT(8),
    NO_WORKER(9),
    WAITING_FAIR_TURN(10),
    RUNNING(11),
    SUCCEEDED(12),
    CANCELLED(13),
    DEAD(14);

    private final int number;

    Kind(int number) {
      this.number = number;
    }

    /** The number the wire protocol uses. */
    public int number() {
      return number;
    }

    /** The kind with {@code number}. */
    public static Kind of(int number) {
      for (Kind k : values()) {
        if (k.number == number) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown reason number " + number);
    }
  }

  /** This reason's kind. */
  Kind kind();

  /** One line for a human. */
  String message();

  /** The tenant is paused: none of its jobs start until it is resumed. */
  record TenantPaused(String tenant) implements Reason {
    public Kind kind() {
      return Kind.TENANT_PAUSED;
    }

    public String message() {
      return "tenant " + tenant + " is paused";
    }
  }

  /** The function is paused for every tenant. */
  record FunctionPaused(String function) implements Reason {
    public Kind kind() {
      return Kind.FUNCTION_PAUSED;
    }

    public String message() {
      return "function " + function + " is paused";
    }
  }

  /** Enqueued to run later: not due before {@code until}. */
  record Delayed(Instant until) implements Reason {
    public Kind kind() {
      return Kind.DELAYED;
    }

    public String message() {
      return "delayed until " + until;
    }
  }

  /** Attempt {@code attempt} failed with {@code lastError}; the next one is due at {@code until}. */
  record BackingOff(Instant until, int attempt, String lastError) implements Reason {
    public Kind kind() {
      return Kind.BACKING_OFF;
    }

    public String message() {
      return "backing off after attempt " + attempt + " failed (" + lastError + "); retry due at " + until;
    }
  }

  /** A keyed limit of the job's function is full for the job's value of that key. */
  record ConcurrencyKeyAtLimit(String key, String value, long inUse, long limit) implements Reason {
    public Kind kind() {
      return Kind.CONCURRENCY_KEY_AT_LIMIT;
    }

    public String message() {
      return "concurrency key " + key + "=" + value + " at its limit: " + inUse + " of " + limit + " in use";
    }
  }

  /** The function's limit across tenants is full. */
  record FunctionAtLimit(String function, long inUse, long limit) implements Reason {
    public Kind kind() {
      return Kind.FUNCTION_AT_LIMIT;
    }

    public String message() {
      return "function " + function + " at its concurrency limit: " + inUse + " of " + limit + " in use";
    }
  }

  /** The tenant's limit across functions is full. */
  record TenantAtLimit(String tenant, long inUse, long limit) implements Reason {
    public Kind kind() {
      return Kind.TENANT_AT_LIMIT;
    }

    public String message() {
      return "tenant " + tenant + " at its concurrency limit: " + inUse + " of " + limit + " in use";
    }
  }

  /** The function's per-tenant limit is full for this tenant. */
  record TenantFunctionAtLimit(String tenant, String function, long inUse, long limit) implements Reason {
    public Kind kind() {
      return Kind.TENANT_FUNCTION_AT_LIMIT;
    }

    public String message() {
      return "tenant " + tenant + " at function " + function + "'s per-tenant limit: " + inUse + " of "
          + limit + " in use";
    }
  }

  /**
   * Due and not held by any limit, but nothing is taking work of the function: the answering node
   * has no worker with free credits for it and no engine has claimed its ready work for
   * {@code stalledFor}.
   *
   * @param registered whether a worker registration of the function is live in Redis
   */
  record NoWorker(String function, boolean registered, Duration stalledFor) implements Reason {
    public Kind kind() {
      return Kind.NO_WORKER;
    }

    public String message() {
      return "no connected worker with free credits for " + function + " (ready work unclaimed for "
          + stalledFor.toMillis() + " ms" + (registered ? "" : "; no worker has registered it lately") + ")";
    }
  }

  /**
   * Due and free to run: other work is served first. {@code position} is its tenant's place
   * among the tenants with ready work of the function, by virtual time (1 = served next);
   * {@code jobsAhead} the jobs of its own queue before it; {@code estimate} when it should start at
   * the rate its tenant was served over the last minute (null when that rate is unknown).
   */
  record WaitingFairTurn(int position, int readyTenants, long jobsAhead, Duration estimate) implements Reason {
    public Kind kind() {
      return Kind.WAITING_FAIR_TURN;
    }

    public String message() {
      return "waiting its fair turn: tenant is " + ordinal(position) + " of " + readyTenants
          + " ready tenants, " + jobsAhead + " job(s) of its queue ahead"
          + (estimate == null ? "" : ", expected to start in about " + estimate.toMillis() + " ms");
    }
  }

  /** Leased since {@code since} (null when unknown) until {@code leaseDeadline} unless extended. */
  record Running(Instant since, Instant leaseDeadline, int attempt, String worker, String node) implements Reason {
    public Kind kind() {
      return Kind.RUNNING;
    }

    public String message() {
      return "running attempt " + attempt + (since == null ? "" : " since " + since)
          + (worker == null ? "" : " on worker " + worker) + (node == null ? "" : " (node " + node + ")")
          + ", lease until " + leaseDeadline;
    }
  }

  /** Finished: succeeded or cancelled at {@code at}. */
  record Finished(Kind kind, Instant at) implements Reason {
    /** Checks that the kind is a finished one. */
    public Finished {
      if (kind != Kind.SUCCEEDED && kind != Kind.CANCELLED) {
        throw new IllegalArgumentException("not a finished kind: " + kind);
      }
      Objects.requireNonNull(at, "at");
    }

    public String message() {
      return (kind == Kind.SUCCEEDED ? "succeeded" : "cancelled") + " at " + at;
    }
  }

  /** Out of attempts (or failed for good) at {@code at} with {@code lastError}. */
  record Dead(Instant at, int attempts, String lastError) implements Reason {
    public Kind kind() {
      return Kind.DEAD;
    }

    public String message() {
      return "dead after " + attempts + " attempt(s) at " + at + ": " + lastError;
    }
  }

  private static String ordinal(int n) {
    return "#" + n;
  }
}
