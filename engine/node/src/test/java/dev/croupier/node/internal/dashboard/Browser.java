package dev.croupier.node.internal.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium for the dashboard's browser tests: Debian's {@code chromium} driven through
 * its {@code chromedriver}, both at fixed paths, so Selenium Manager never tries to download
 * anything (the test machines have no internet). Missing programs fail the test with how to
 * install them: CI installs them ({@code .ci/packages}), so a skip would hide a broken setup.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CROUPIER_CHROMIUM", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CROUPIER_CHROMEDRIVER", "/usr/bin/chromedriver"));

  private final Path profile;
  private final ChromeDriver driver;

  Browser() {
    for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(p)) {
        throw new AssertionError(p + " is missing: the dashboard's browser test needs Debian's"
            + " chromium and chromium-driver. Install them with"
            + " 'sudo apt-get install -y chromium chromium-driver' (.ci/run does it from"
            + " .ci/packages), or point CROUPIER_CHROMIUM / CROUPIER_CHROMEDRIVER at them.");
      }
    }
    // Belt and braces: with the driver given explicitly Selenium Manager is not consulted, and
    // offline it would not try the network even if it were.
    System.setProperty("se.offline", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    try {
      profile = Files.createTempDirectory("croupier-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Saves a PNG of the page as it is now. */
  void screenshot(Path to) {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    try {
      Files.createDirectories(to.toAbsolutePath().getParent());
      Files.copy(shot.toPath(), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      shot.delete();
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temp profile is harmless
      }
    }
  }
}
