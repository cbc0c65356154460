package dev.croupier.engine.internal.keys;

import dev.croupier.api.InvalidRequestException;
import java.security.SecureRandom;

/**
 * Job ids: {@code <shard>-<26 chars>}, time-ordered (48-bit millisecond time then 80 random
 * bits, Crockford base32). The shard prefix lets any engine find a job from its id alone.
 */
public final class JobIds {

  private static final String DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final char[] ALPHABET = DIGITS.toCharArray();

  private static final long MASK40 = (1L << 40) - 1;

  private final SecureRandom random = new SecureRandom();

  private long lastMillis = -1;
  private long hi; // upper 40 random bits
  private long lo; // lower 40 random bits

  /**
   * A new id for a job in {@code shard}, created at {@code nowMillis}. Ids from one instance are
   * strictly increasing (within a millisecond the random part counts up), and Redis orders equal
   * queue scores by member, so jobs enqueued in the same millisecond keep their FIFO order.
   */
  public synchronized String next(int shard, long nowMillis) {
    if (nowMillis > lastMillis) {
      lastMillis = nowMillis;
      hi = random.nextLong() & MASK40;
      lo = random.nextLong() & MASK40;
    } else {
      lo = (lo + 1) & MASK40;
      if (lo == 0) {
        hi = (hi + 1) & MASK40;
      }
    }
    char[] out = new char[26];
    long time = lastMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long h = hi;
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (h & 31)];
      h >>>= 5;
    }
    long l = lo;
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (l & 31)];
      l >>>= 5;
    }
    return shard + "-" + new String(out);
  }

  /** The shard of a valid id; throws {@link InvalidRequestException} for anything else. */
  public static int shardOf(String jobId, int shards) {
    if (!isValid(jobId)) {
      throw new InvalidRequestException("'" + jobId + "' is not a Croupier job id");
    }
    int shard = Integer.parseInt(jobId.substring(0, jobId.indexOf('-')));
    if (shard >= shards) {
      throw new InvalidRequestException("job id '" + jobId + "' names shard " + shard
          + " but this deployment has " + shards + " shard(s)");
    }
    return shard;
  }

  /**
   * The millisecond {@code jobId} was created at (its first ten characters after the shard): the
   * job's enqueue time, which its record does not store (lua/includes/ids.lua reads it the same
   * way). The id must be valid.
   */
  public static long timeOf(String jobId) {
    int at = jobId.indexOf('-');
    long t = 0;
    for (int i = at + 1; i <= at + 10; i++) {
      t = t * 32 + DIGITS.indexOf(jobId.charAt(i));
    }
    return t;
  }

  /**
   * Whether {@code jobId} has the form of a job id: 1-5 decimal digits (the shard), '-', then 26
   * Crockford base32 digits ({@code DIGITS}). A loop rather than a regex: every
   * completion and heartbeat checks its job's id, on the node's event loop.
   */
  public static boolean isValid(String jobId) {
    if (jobId == null) {
      return false;
    }
    int dash = jobId.indexOf('-');
    if (dash < 1 || dash > 5 || jobId.length() != dash + 27) {
      return false;
    }
    for (int i = 0; i < dash; i++) {
      char c = jobId.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    for (int i = dash + 1; i < jobId.length(); i++) {
      if (DIGITS.indexOf(jobId.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
