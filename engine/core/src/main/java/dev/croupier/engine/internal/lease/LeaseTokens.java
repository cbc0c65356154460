package dev.croupier.engine.internal.lease;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The secrets that prove leases. Each lease gets 128 random bits from a {@link SecureRandom}
 * (unguessable: a worker cannot settle or extend a job it was not handed, whatever it knows of
 * job ids and attempt numbers), written as 22 URL-safe base64 characters so that Lua can cut them
 * out of one concatenated argument and compare them as plain strings.
 */
public final class LeaseTokens {

  /** Characters per token. */
  public static final int LENGTH = 22;

  private static final int BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random = new SecureRandom();

  /** {@code count} fresh tokens, concatenated (as {@code claimJobs} takes them). */
  public String next(int count) {
    byte[] bytes = new byte[count * BYTES];
    random.nextBytes(bytes);
    StringBuilder out = new StringBuilder(count * LENGTH);
    byte[] one = new byte[BYTES];
    for (int i = 0; i < count; i++) {
      System.arraycopy(bytes, i * BYTES, one, 0, BYTES);
      out.append(ENCODER.encodeToString(one));
    }
    return out.toString();
  }

  /** Splits what {@link #next} made into its tokens, in order. */
  public static List<String> split(String tokens) {
    List<String> out = new ArrayList<>(tokens.length() / LENGTH);
    for (int i = 0; i + LENGTH <= tokens.length(); i += LENGTH) {
      out.add(tokens.substring(i, i + LENGTH));
    }
    return out;
  }
}
