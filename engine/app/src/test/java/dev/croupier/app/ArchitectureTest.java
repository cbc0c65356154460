package dev.croupier.app;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules, checked on the compiled classes of every module (this module depends on all
 * of them). A rule that breaks fails the build with the offending dependency named.
 */
class ArchitectureTest {

  /** Each module's root package: its {@code internal} subtree is its own business. */
  static final List<String> MODULES = List.of("dev.croupier.api", "dev.croupier.protocol",
      "dev.croupier.worker", "dev.croupier.engine", "dev.croupier.node", "dev.croupier.app",
      "dev.croupier.bench", "dev.croupier.embeddedredis");

  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // The engine's test fixtures (a test-jar) are white-box by design, like any test.
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("dev.croupier");
  }

  @Test
  void noModule_importsAnotherModulesInternals() {
    for (String module : MODULES) {
      ArchRule rule = noClasses()
          .that().resideOutsideOfPackage(module + "..")
          // Micro-benchmarks of single Lua scripts are white-box by nature; nothing else is.
          .and(not(resideInAPackage("dev.croupier.bench.jmh..")))
          .should().dependOnClassesThat().resideInAPackage(module + ".internal..")
          .because(module + ".internal carries no compatibility promise; other modules use "
              + module + "'s public packages");
      rule.check(classes);
    }
  }

  @Test
  void workerApiAndProtocol_neverSeeRedis() {
    noClasses().that().resideInAnyPackage("dev.croupier.api..", "dev.croupier.protocol..",
            "dev.croupier.proto..", "dev.croupier.worker..")
        .should().dependOnClassesThat().resideInAnyPackage("redis..")
        .because("workers need no Redis credentials: they talk to engine nodes only")
        .check(classes);
  }

  @Test
  void engineLibrary_hasNoServerCliOrEmbeddedRedis() {
    noClasses().that().resideInAPackage("dev.croupier.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "picocli..",
            "dev.croupier.node..", "dev.croupier.app..", "dev.croupier.worker..",
            "dev.croupier.embeddedredis..", "redis.embedded..")
        .because("croupier-engine is the queue as a library: no server, CLI or test Redis")
        .check(classes);
  }

  @Test
  void onlyTheApp_seesALoggingBackend() {
    noClasses().that().resideOutsideOfPackage("dev.croupier.app..")
        .should().dependOnClassesThat().resideInAnyPackage("ch.qos.logback..",
            "org.apache.logging.log4j.core..", "org.slf4j.simple..")
        .because("libraries log through the SLF4J API; the application picks the backend")
        .check(classes);
  }

  @Test
  void packages_haveNoCycles() {
    slices().matching("dev.croupier.(**)").should().beFreeOfCycles().check(classes);
  }
}
