package dev.croupier.engine.internal.keys;

import dev.croupier.api.InvalidRequestException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Job ids: {@code <shard>-<26 chars>}, time-ordered (48-bit millisecond time then 80 random
 * bits, Crockford base32). The shard prefix lets any engine find a job from its id alone.
 */
public final class JobIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final Pattern VALID = Pattern.compile("[0-9]{1,5}-[0-9A-HJKMNP-TV-Z]{26}");

  private final SecureRandom random = new SecureRandom();

  /** A new id for a job in {@code shard}, created at {@code nowMillis}. */
  public String next(int shard, long nowMillis) {
    char[] out = new char[26];
    long time = nowMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    byte[] bytes = new byte[10];
    random.nextBytes(bytes);
    long hi = 0;
    for (int i = 0; i < 5; i++) {
      hi = (hi << 8) | (bytes[i] & 0xff);
    }
    long lo = 0;
    for (int i = 5; i < 10; i++) {
      lo = (lo << 8) | (bytes[i] & 0xff);
    }
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return shard + "-" + new String(out);
  }

  /** The shard of a valid id; throws {@link InvalidRequestException} for anything else. */
  public static int shardOf(String jobId, int shards) {
    if (jobId == null || !VALID.matcher(jobId).matches()) {
      throw new InvalidRequestException("'" + jobId + "' is not a Croupier job id");
    }
    int shard = Integer.parseInt(jobId.substring(0, jobId.indexOf('-')));
    if (shard >= shards) {
      throw new InvalidRequestException("job id '" + jobId + "' names shard " + shard
          + " but this deployment has " + shards + " shard(s)");
    }
    return shard;
  }

  /** Whether {@code jobId} has the form of a job id. */
  public static boolean isValid(String jobId) {
    return jobId != null && VALID.matcher(jobId).matches();
  }
}
