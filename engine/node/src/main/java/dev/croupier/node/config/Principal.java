package dev.croupier.node.config;

import java.util.Objects;
import java.util.Set;

/**
 * Who a connection is, as its token says: a role and the tenants (producer) or functions (worker)
 * it may touch. A scope containing {@code *} covers everything.
 *
 * @param name how logs refer to it (never the token itself)
 * @param role what it may do
 * @param scope the tenants or functions it may touch
 */
public record Principal(String name, Role role, Set<String> scope) {

  /** What a token lets its holder do. */
  public enum Role {
    /** Enqueues and queries jobs of the tenants in its scope. */
    PRODUCER,
    /** Registers and serves the functions in its scope. */
    WORKER,
    /** Everything. */
    ADMIN
  }

  /** Who every connection is when the node runs without a tokens file (loopback only). */
  public static final Principal LOCAL = new Principal("local", Role.ADMIN, Set.of(Tokens.ALL));

  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    scope = Set.copyOf(scope);
  }

  /** Whether it may enqueue, cancel, look up and watch jobs of {@code tenant}. */
  public boolean mayProduceFor(String tenant) {
    return role == Role.ADMIN || (role == Role.PRODUCER && covers(tenant));
  }

  /** Whether it may register, receive and complete jobs of {@code function}. */
  public boolean mayServe(String function) {
    return role == Role.ADMIN || (role == Role.WORKER && covers(function));
  }

  /** Whether it may produce at all (for any tenant). */
  public boolean isProducer() {
    return role == Role.ADMIN || role == Role.PRODUCER;
  }

  /** Whether it may serve at all (any function). */
  public boolean isWorker() {
    return role == Role.ADMIN || role == Role.WORKER;
  }

  private boolean covers(String name) {
    return scope.contains(Tokens.ALL) || scope.contains(name);
  }
}
