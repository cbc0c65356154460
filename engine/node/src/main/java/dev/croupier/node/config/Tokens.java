package dev.croupier.node.config;

import dev.croupier.api.CroupierException;
import dev.croupier.api.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens a node accepts, read from a file of lines {@code TOKEN ROLE SCOPE}: ROLE is
 * {@code producer} (SCOPE: comma-separated tenants), {@code worker} (SCOPE: comma-separated
 * functions) or {@code admin} (SCOPE: {@code *}); {@code *} means all; {@code #} starts a comment.
 * Tokens are kept only as SHA-256 digests, so a lookup's timing says nothing about near misses.
 */
public final class Tokens {

  /** The scope entry that covers every tenant or function. */
  public static final String ALL = "*";
  /** Shortest token accepted: shorter ones are guessable. */
  public static final int MIN_TOKEN_LENGTH = 8;

  private final Map<String, Principal> byDigest;

  private Tokens(Map<String, Principal> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** Reads a tokens file; throws with the file, line number and reason on the first bad line. */
  public static Tokens load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CroupierException("cannot read the tokens file " + file + ": " + e.getMessage(), e);
    }
    return parse(file.toString(), lines);
  }

  /** Parses tokens file lines; {@code source} names the file in error messages. */
  public static Tokens parse(String source, List<String> lines) {
    Map<String, Principal> byDigest = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String where = source + " line " + (i + 1) + ": ";
      String[] fields = content.split("\\s+");
      if (fields.length != 3) {
        throw new CroupierException(where + "expected 'TOKEN ROLE SCOPE' (3 fields), found "
            + fields.length);
      }
      if (fields[0].length() < MIN_TOKEN_LENGTH) {
        throw new CroupierException(where + "token must have at least " + MIN_TOKEN_LENGTH
            + " characters, found " + fields[0].length());
      }
      Principal.Role role = role(where, fields[1]);
      Set<String> scope = scope(where, role, fields[2]);
      String name = role.name().toLowerCase(Locale.ROOT) + "@line" + (i + 1);
      if (byDigest.putIfAbsent(digest(fields[0]), new Principal(name, role, scope)) != null) {
        throw new CroupierException(where + "this token is already defined on an earlier line");
      }
    }
    return new Tokens(byDigest);
  }

  /** Who holds {@code token}, if anyone. */
  public Optional<Principal> principal(String token) {
    return Optional.ofNullable(byDigest.get(digest(token)));
  }

  /** How many tokens there are. */
  public int size() {
    return byDigest.size();
  }

  private static Principal.Role role(String where, String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "producer" -> Principal.Role.PRODUCER;
      case "worker" -> Principal.Role.WORKER;
      case "admin" -> Principal.Role.ADMIN;
      default -> throw new CroupierException(
          where + "role must be producer, worker or admin: '" + s + "'");
    };
  }

  private static Set<String> scope(String where, Principal.Role role, String s) {
    Set<String> scope = new HashSet<>(Arrays.asList(s.split(",", -1)));
    if (role == Principal.Role.ADMIN && !scope.equals(Set.of(ALL))) {
      throw new CroupierException(where + "admin scope must be '*': '" + s + "'");
    }
    for (String entry : scope) {
      if (!entry.equals(ALL) && !Names.isValid(entry)) {
        throw new CroupierException(where + "scope entry '" + entry + "' is not a valid "
            + (role == Principal.Role.WORKER ? "function" : "tenant")
            + " name (1-64 of A-Z a-z 0-9 . _ -) or '*'");
      }
    }
    return scope;
  }

  private static String digest(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
