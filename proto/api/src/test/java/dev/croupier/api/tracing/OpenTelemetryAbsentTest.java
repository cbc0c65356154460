package dev.croupier.api.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Without OpenTelemetry on the class path nothing breaks: Croupier's classes are loaded again in
 * a class loader that hides {@code io.opentelemetry}, and a job with headers is enqueued and run.
 */
class OpenTelemetryAbsentTest {

  /** Loads {@code dev.croupier} classes itself (from the given directories); hides OpenTelemetry. */
  static final class HidingLoader extends URLClassLoader {
    HidingLoader(URL[] classes, ClassLoader parent) {
      super(classes, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith("io.opentelemetry.")) {
          throw new ClassNotFoundException(name + " (hidden by the test)");
        }
        if (name.startsWith("dev.croupier.")) {
          Class<?> c = findLoadedClass(name);
          return c != null ? c : findClass(name);
        }
        return super.loadClass(name, resolve);
      }
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void withoutOpenTelemetry_detectDoesNothing_andJobsRunWithTheirHeaders() throws Exception {
    URL main = JobTracing.class.getProtectionDomain().getCodeSource().getLocation();
    URL test = OpenTelemetryAbsentTest.class.getProtectionDomain().getCodeSource().getLocation();
    try (HidingLoader loader = new HidingLoader(new URL[] {main, test}, getClass().getClassLoader())) {
      assertThatThrownBy(() -> Class.forName(OpenTelemetryTracing.class.getName(), true, loader))
          .as("the loader really hides OpenTelemetry").isInstanceOf(NoClassDefFoundError.class);
      Callable<List<String>> scenario = (Callable<List<String>>) loader
          .loadClass(AbsentScenario.class.getName()).getDeclaredConstructor().newInstance();
      assertThat(scenario.call()).containsExactly("NoTracing", "headers={x-id=7}",
          "handler saw {x-id=7}", "outcome Success");
    }
  }
}
