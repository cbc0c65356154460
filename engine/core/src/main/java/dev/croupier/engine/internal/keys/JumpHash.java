package dev.croupier.engine.internal.keys;

/**
 * Jump consistent hash (Lamping and Veach, 2014): maps a key to one of {@code n} buckets so that
 * growing {@code n} moves only {@code 1/n} of the keys.
 */
final class JumpHash {
  private JumpHash() {}

  static int bucket(long key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }
}
