package io.accesstokens.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its driver ({@code apt-get install chromium chromium-driver}), driven by
 * Selenium with both paths given, so Selenium Manager never looks for (or downloads) a browser or a
 * driver. Where either is missing the browser tests are skipped, saying why; set {@value
 * #BROWSER_PROPERTY} or {@value #DRIVER_PROPERTY} to use other binaries (or a path that does not
 * exist, to see the skip).
 */
final class Chromium {
  static final String BROWSER_PROPERTY = "access-tokens.chromium";
  static final String DRIVER_PROPERTY = "access-tokens.chromedriver";

  private Chromium() {}

  static Path browser() {
    return Path.of(System.getProperty(BROWSER_PROPERTY, "/usr/bin/chromium"));
  }

  static Path driver() {
    return Path.of(System.getProperty(DRIVER_PROPERTY, "/usr/bin/chromedriver"));
  }

  /** Why the browser tests cannot run here, or null when they can. */
  static @Nullable String unavailableReason() {
    for (Path binary : new Path[] {browser(), driver()}) {
      if (!Files.isExecutable(binary)) {
        return binary
            + " is not installed, so the browser tests did not run (apt-get install chromium"
            + " chromium-driver installs Debian's Chromium and its driver; .ci/run does)";
      }
    }
    return null;
  }

  /**
   * A new headless Chromium with a profile of its own, in a fresh directory under {@code profiles}.
   */
  static ChromeDriver start(Path profiles) {
    System.setProperty("webdriver.chrome.driver", driver().toString());
    Path profile;
    try {
      Files.createDirectories(profiles);
      profile = Files.createTempDirectory(profiles, "chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // tests run as root in CI, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    options.setExperimentalOption("prefs", Map.of("credentials_enable_service", false));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(driver().toString()))
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver
        .manage()
        .timeouts()
        .pageLoadTimeout(Duration.ofSeconds(60))
        .scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
