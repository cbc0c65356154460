package dev.croupier.api.tracing;

/**
 * Whether the OpenTelemetry API can be linked: the one place that decides whether
 * {@link OpenTelemetryTracing} (the only class naming OpenTelemetry types) may be loaded at all.
 */
final class OpenTelemetryPresence {

  /** Checked once: a class path does not change while the process runs. */
  static final boolean PRESENT = presentIn(OpenTelemetryPresence.class.getClassLoader());

  private OpenTelemetryPresence() {}

  /** Whether the API classes tracing links against are visible to {@code loader}. */
  static boolean presentIn(ClassLoader loader) {
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
      Class.forName("io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator", false, loader);
      Class.forName("io.opentelemetry.context.Context", false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
