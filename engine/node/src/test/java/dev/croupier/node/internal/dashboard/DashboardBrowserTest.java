package dev.croupier.node.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.croupier.api.EnqueueOptions;
import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobRequest;
import dev.croupier.api.JobState;
import dev.croupier.api.PermanentFailureException;
import dev.croupier.api.RetryPolicy;
import dev.croupier.api.admin.TenantConfig;
import dev.croupier.engine.Engine;
import dev.croupier.engine.EngineOptions;
import dev.croupier.engine.runtime.EngineRuntime;
import dev.croupier.node.AdminServer;
import dev.croupier.node.config.Tokens;
import dev.croupier.testing.Await;
import dev.croupier.testing.RedisServerExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real node on the embedded Redis, under a
 * noisy-neighbour load: one tenant with a big backlog and three small ones of different weights,
 * served by an embedded handler. Saves {@code target/dashboard.png}.
 */
class DashboardBrowserTest {

  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  static final String ADMIN = "admin-token-for-the-browser";
  static final String PRODUCER = "producer-token-for-the-browser";
  static final Map<String, Double> WEIGHTS = Map.of("noisy", 1.0, "small-a", 1.0, "small-b", 2.0,
      "small-c", 3.0);

  EngineRuntime runtime;
  Engine engine;
  AdminServer admin;
  Browser browser;
  ChromeDriver d;
  WebDriverWait wait;

  @BeforeEach
  void start() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    runtime = EngineRuntime.host(EngineOptions.newBuilder().redisUrl(REDIS.url())
        .namespace(REDIS.newNamespace()).meterRegistry(registry)
        .shutdownGrace(Duration.ofSeconds(1)).build());
    engine = runtime.engine();
    Tokens tokens = Tokens.parse("test", List.of(ADMIN + " admin *", PRODUCER + " producer noisy"));
    admin = new AdminServer("127.0.0.1", 0, registry, runtime.leases()::redisReachable, engine, tokens);
    browser = new Browser();
    d = browser.driver();
    // The views re-render every refresh: an element found a moment ago may be gone; look again.
    wait = new WebDriverWait(d, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void dashboard_underNoisyNeighbourLoad_showsShares_pausesReplaysAndExplains() throws Exception {
    try {
      run();
    } catch (RuntimeException | AssertionError e) {
      browser.screenshot(Path.of("target/dashboard-failure.png"));
      throw new AssertionError("failed; page text now (screenshot in target/dashboard-failure.png):\n"
          + d.findElement(By.tagName("body")).getText(), e);
    }
  }

  private void run() throws Exception {
    startLoad();
    String dead = deadLetterOf("small-a");
    String delayed = engine.enqueue("small-b", "work", new byte[0],
        EnqueueOptions.newBuilder().delay(Duration.ofHours(1)).build()).jobId();

    signIn();
    assertTenantsWithShares();
    // A few refreshes, so every line of the chart has a few points.
    wait.until(driver -> ((Number) d.executeScript("return Math.min(...Array.from("
        + "document.querySelectorAll('#share-chart polyline')).map(p => p.points.length))"))
        .intValue() >= 5);
    Path shot = Path.of("target/dashboard.png");
    browser.screenshot(shot);
    assertThat(Files.size(shot)).isPositive();

    pauseAndResumeTenant("noisy");
    replayDeadLetter("small-a", dead);
    explain(delayed, "DELAYED", "delayed until");
    pauseAndResumeFunction("work");
  }

  /** The embedded handler serves at most 80 jobs/s: every backlog lasts the whole test. */
  private void startLoad() {
    engine.register(FunctionSpec.newBuilder("work").build(), 4, job -> Thread.sleep(50));
    WEIGHTS.forEach((t, w) -> engine.configureTenant(new TenantConfig(t, w, 0, false)));
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      jobs.add(JobRequest.of("noisy", "work", new byte[16]));
    }
    for (String t : List.of("small-a", "small-b", "small-c")) {
      for (int i = 0; i < 4000; i++) {
        jobs.add(JobRequest.of(t, "work", new byte[16]));
      }
    }
    for (int i = 0; i < jobs.size(); i += 1000) {
      engine.enqueueBatch(jobs.subList(i, Math.min(jobs.size(), i + 1000)));
    }
  }

  private String deadLetterOf(String tenant) {
    engine.register(FunctionSpec.newBuilder("fails")
        .retry(new RetryPolicy(1, Duration.ofMillis(10), 2, Duration.ofMillis(10))).build(), 1,
        job -> {
          throw new PermanentFailureException("upstream said <b>no</b>");
        });
    String id = engine.enqueue(tenant, "fails", new byte[0], EnqueueOptions.DEFAULTS).jobId();
    assertThat(engine.await(id, Duration.ofSeconds(20)).state()).isEqualTo(JobState.DEAD);
    engine.unregister("fails"); // a replayed job then stays queued, where the test can see it
    return id;
  }

  /** 401 without a token, a producer token refused, the admin token lets the page in. */
  private void signIn() {
    d.get("http://127.0.0.1:" + admin.port() + "/dashboard/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token")));
    Object status = d.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "fetch('/api/tenants').then(r => done(r.status));");
    assertThat(((Number) status).intValue()).isEqualTo(401);

    d.findElement(By.id("login-token")).sendKeys(PRODUCER);
    d.findElement(By.cssSelector("#login-form button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"),
        "needs an ADMIN token"));
    assertThat(d.findElement(By.id("login")).isDisplayed()).isTrue();
    assertThat(d.findElement(By.id("view-tenants")).isDisplayed()).isFalse();

    d.findElement(By.id("login-token")).sendKeys(ADMIN);
    d.findElement(By.cssSelector("#login-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-tenants")));
    assertThat(d.findElement(By.id("login")).isDisplayed()).isFalse();
  }

  /** Every tenant's row shows its weight share (weights 1, 1, 2, 3: all have work) and a served share. */
  private void assertTenantsWithShares() {
    wait.until(driver -> {
      Map<String, List<String>> rows = tenantRows();
      return WEIGHTS.keySet().stream().allMatch(t -> rows.containsKey(t) && percent(rows.get(t).get(3)) > 0);
    });
    Map<String, List<String>> rows = tenantRows();
    double served = 0;
    for (Map.Entry<String, Double> e : WEIGHTS.entrySet()) {
      List<String> row = rows.get(e.getKey());
      assertThat(row.get(1)).as("weight of " + e.getKey()).isEqualTo(String.valueOf(e.getValue().intValue()));
      assertThat(percent(row.get(2))).as("weight share of " + e.getKey())
          .isCloseTo(100 * e.getValue() / 7.0, within(0.06));
      served += percent(row.get(3));
    }
    assertThat(served).as("served shares add up").isCloseTo(100.0, within(0.3));
    // Sorted by backlog: the noisy neighbour heads the table.
    assertThat(rows.keySet().iterator().next()).isEqualTo("noisy");
    wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(
        By.cssSelector("#share-chart polyline"), 7));
    assertThat(d.findElement(By.id("tenant-range")).getText()).contains("of 4 tenants");
  }

  private void pauseAndResumeTenant(String tenant) {
    By row = By.cssSelector("#tenant-table tr[data-tenant='" + tenant + "']");
    clickIn(row, By.cssSelector("button.tenant-pause"));
    Await.until(Duration.ofSeconds(10), "tenant paused", () -> engine.tenantConfig(tenant).paused());
    wait.until(driver -> tenantRows().get(tenant).contains("paused"));
    clickIn(row, By.cssSelector("button.tenant-resume"));
    Await.until(Duration.ofSeconds(10), "tenant resumed", () -> !engine.tenantConfig(tenant).paused());
    wait.until(driver -> tenantRows().get(tenant).contains("active"));
  }

  private void replayDeadLetter(String tenant, String jobId) {
    clickIn(By.cssSelector("#tenant-table tr[data-tenant='" + tenant + "']"),
        By.xpath(".//button[text()='Dead letters']"));
    By row = By.cssSelector("#dlq-table tr[data-job='" + jobId + "']");
    WebElement r = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    // The error is shown as text, never parsed as HTML.
    assertThat(r.getText()).contains("upstream said <b>no</b>");
    assertThat(d.findElements(By.cssSelector("#dlq-table b"))).isEmpty();
    r.findElement(By.cssSelector("button.dlq-replay")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
    assertThat(engine.lookup(jobId).orElseThrow().state()).isEqualTo(JobState.QUEUED);
  }

  private void explain(String jobId, String reason, String message) {
    d.findElement(By.cssSelector("#tabs button[data-view='jobs']")).click();
    d.findElement(By.id("job-id")).sendKeys(jobId);
    d.findElement(By.cssSelector("#job-form button")).click();
    WebElement box = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("job-explain")));
    wait.until(ExpectedConditions.textToBePresentInElement(box, reason));
    assertThat(box.getText()).contains(message);
    assertThat(d.findElement(By.id("job-fields")).getText()).contains(jobId, "small-b", "DELAYED");
  }

  private void pauseAndResumeFunction(String function) {
    d.findElement(By.cssSelector("#tabs button[data-view='functions']")).click();
    By row = By.cssSelector("#function-table tr[data-function='" + function + "']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(row));
    clickIn(row, By.cssSelector("button.function-pause"));
    Await.until(Duration.ofSeconds(10), "function paused", () -> engine.isFunctionPaused(function));
    wait.until(driver -> driver.findElement(row).getText().contains("paused"));
    clickIn(row, By.cssSelector("button.function-resume"));
    Await.until(Duration.ofSeconds(10), "function resumed", () -> !engine.isFunctionPaused(function));
  }

  /**
   * The tenant table as the page shows it now, read in one script so a refresh cannot replace
   * rows halfway through: tenant name to its cells' texts, in table order.
   */
  @SuppressWarnings("unchecked")
  private Map<String, List<String>> tenantRows() {
    List<List<String>> rows = (List<List<String>>) d.executeScript(
        "return Array.from(document.querySelectorAll('#tenant-table tbody tr'))"
            + ".map(tr => Array.from(tr.cells).map(c => c.textContent));");
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    rows.forEach(r -> out.put(r.get(0), r));
    return out;
  }

  /** Clicks {@code button} inside {@code row}, again when a refresh replaced the row meanwhile. */
  private void clickIn(By row, By button) {
    wait.until(driver -> {
      try {
        driver.findElement(row).findElement(button).click();
        return true;
      } catch (StaleElementReferenceException e) {
        return false;
      }
    });
  }

  private static double percent(String text) {
    return text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1)) : -1;
  }
}
