package dev.croupier.engine.internal.script;

/**
 * The codes scripts reply, each with one meaning in every script: the Java side of
 * {@code lua/includes/codes.lua} (LuaMirrorsTest checks that the two agree; change them together).
 * A script replies either a bare code or its data; {@link #OK} is 1 and every failure is negative.
 */
public enum ReplyCode {
  /** Done. */
  OK(1),
  /** The lease (a partition's or a role's) is not the caller's: another holds it, or it ran out. */
  NOT_HOLDER(-1),
  /** The job is not running under the attempt given: it finished, was requeued, or its lease ended. */
  STALE_LEASE(-2),
  /** No such job: never enqueued, or its status record expired. */
  UNKNOWN_JOB(-3),
  /** A concurrency key the work needs has no free slot. */
  AT_CAPACITY(-4),
  /** The queue has no jobs. */
  EMPTY(-5),
  /** The queue's earliest job is not due yet. */
  NOT_DUE(-6),
  /** The job already finished (succeeded or cancelled). */
  FINISHED(-7),
  /** The job is not dead (only a dead job is replayed). */
  NOT_DEAD(-8);

  private final long value;

  ReplyCode(long value) {
    this.value = value;
  }

  /** The integer a script replies for this code. */
  public long value() {
    return value;
  }

  /** The code a script replied; a value not in the table means the scripts and this class differ. */
  public static ReplyCode of(long value) {
    for (ReplyCode c : values()) {
      if (c.value == value) {
        return c;
      }
    }
    throw new IllegalStateException("unknown script reply code " + value + " (see lua/includes/codes.lua)");
  }
}
