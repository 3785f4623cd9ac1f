package io.accesstokens.web;

import static io.accesstokens.web.WebFixture.ACME;
import static io.accesstokens.web.WebFixture.GLOBEX;
import static io.accesstokens.web.WebFixture.PRODUCTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenQuery;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.SecretLeakGuard;
import io.accesstokens.web.internal.PageHandler;
import io.accesstokens.web.internal.SecurityHeaders;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a person uses it, in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}; skipped, with the reason, where they are missing): signed in through a one-time
 * login link ({@link LocalOperatorAccess}), on a real Jetty, over the memory store. Every wait is
 * an explicit condition (no sleeps), generous enough for a loaded 2-core machine. Each step leaves
 * a screenshot under {@code target/screenshots/}.
 */
@ExtendWith(SecretLeakGuard.class)
class BrowserPageTest {
  private static final String SEEDS_ERROR =
      "Error opening connection. Exception is: Error code: INVALID_TOKEN";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static ChromeDriver driver;

  private final LocalOperatorAccess access =
      LocalOperatorAccess.builder(Actor.of("operator@acme.example"))
          .organizations(() -> List.of(ACME, GLOBEX))
          .build();

  @RegisterExtension
  final WebFixture web =
      new WebFixture(MemoryTokenStore::new)
          .access(access)
          .pageSize(3)
          .scanAddresses() // the page never puts a value into an address
          .servlet("/login", access.loginServlet(WebFixture.MOUNT + "/"))
          .servlet(
              "/frame.html",
              new HtmlServlet(
                  "<!DOCTYPE html><title>Framing</title>"
                      + "<iframe id=\"frame\" src=\""
                      + WebFixture.MOUNT
                      + "/\"></iframe>"))
          .servlet("/evil.html", new HtmlServlet(""));

  private FluentWait<WebDriver> wait;
  private String testName;
  private final AtomicInteger shots = new AtomicInteger();

  @BeforeAll
  static void startBrowser() {
    if (Chromium.unavailableReason() == null) {
      driver = Chromium.start(Path.of("target", "chromium-profiles"));
    }
  }

  @AfterAll
  static void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  @BeforeEach
  void prepare(TestInfo info) {
    String unavailable =
        Chromium.unavailableReason(); // each test is reported as skipped, with the reason
    Assumptions.assumeTrue(unavailable == null, unavailable);
    // A row is drawn anew after each change, so an element found a moment ago may be gone: look
    // again.
    wait = new WebDriverWait(driver, PATIENCE).ignoring(StaleElementReferenceException.class);
    testName = info.getTestMethod().orElseThrow().getName();
  }

  // ---- the seed's flow
  // ----------------------------------------------------------------------------

  @Test
  void theSeedsWholeFlow_add_copy_edit_deactivate_activate_delete() {
    signIn();
    shot("empty-page");
    assertThat(text("#empty")).isEqualTo("No access tokens yet. Use Add Token to create one.");

    click("#add-token");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-form")));
    new Select(find("#add-environment")).selectByVisibleText("production");
    find("#add-description").sendKeys("Partner X over AS2");
    shot("add-token");
    click("#add-submit");

    WebElement shown =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token-value")));
    String value = shown.getText();
    assertThat(TokenFormat.isWellFormed(value)).as("the value shown once").isTrue();
    assertThat(text("#status-message"))
        .isEqualTo(
            "Access token " + WebFixture.masked(value) + " was created in environment production.");
    shot("new-token-shown-once");
    click("#new-token-done");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-token")));
    assertThat(find("#new-token-value").getAttribute("textContent")).isEmpty();

    WebElement row = row(value);
    assertThat(cells(row))
        .startsWith(
            WebFixture.masked(value), "Active", "Never", "production", "Partner X over AS2", "EDI");
    assertThat(row.findElements(By.cssSelector("td.actions button")))
        .extracting(WebElement::getText)
        .containsExactly("Copy", "Edit", "Rotate", "Delete");
    assertThat(row.findElement(By.cssSelector("[role=switch]")).getAttribute("aria-checked"))
        .isEqualTo("true");
    shot("table");

    // Copy: the value goes from the API's answer to the clipboard, and nowhere into the page.
    String copied = copy(value);
    assertThat(copied).isEqualTo(value);
    assertThat(driver.getPageSource()).doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
    assertThat(driver.getCurrentUrl()).doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
    web.validator().validate(copied, Scope.EDI, ACME, PRODUCTION);
    shot("copied");

    rowButton(value, "edit").click();
    WebElement input =
        wait.until(ExpectedConditions.visibilityOf(row(value).findElement(By.tagName("input"))));
    assertThat(input.getAttribute("value")).isEqualTo("Partner X over AS2");
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Partner X over AS2, renewed");
    shot("editing");
    rowButton(value, "edit-submit").click();
    wait.until(d -> cells(row(value)).get(4).equals("Partner X over AS2, renewed"));
    assertThat(text("#status-message"))
        .isEqualTo("The description of access token " + WebFixture.masked(value) + " was saved.");
    shot("edited");

    rowButton(value, "status").click();
    wait.until(d -> "false".equals(rowButton(value, "status").getAttribute("aria-checked")));
    assertThat(cells(row(value)).get(1)).isEqualTo("Inactive");
    assertThat(text("#status-message"))
        .isEqualTo("Access token " + WebFixture.masked(value) + " is now Inactive.");
    assertThatThrownBy(() -> web.validator().validate(copied, Scope.EDI, ACME, PRODUCTION))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage(SEEDS_ERROR);
    shot("inactive");

    rowButton(value, "status").click();
    wait.until(d -> "true".equals(rowButton(value, "status").getAttribute("aria-checked")));
    assertThat(cells(row(value)).get(1)).isEqualTo("Active");
    web.validator().validate(copied, Scope.EDI, ACME, PRODUCTION);

    rowButton(value, "delete").click();
    wait.until(d -> find("#delete-dialog").isDisplayed());
    assertThat(text("#delete-text"))
        .isEqualTo(
            "Delete access token "
                + WebFixture.masked(value)
                + " of environment production (Partner X over AS2, renewed)? Connections that use"
                + " it will fail with INVALID_TOKEN. This cannot be undone.");
    shot("delete-dialog");
    click("#delete-cancel");
    wait.until(d -> !find("#delete-dialog").isDisplayed());
    assertThat(text("#status-message"))
        .isEqualTo("Access token " + WebFixture.masked(value) + " was not deleted.");
    assertThat(row(value).isDisplayed()).isTrue();
    web.validator().validate(copied, Scope.EDI, ACME, PRODUCTION);

    rowButton(value, "delete").click();
    wait.until(d -> find("#delete-dialog").isDisplayed());
    click("#delete-confirm");
    wait.until(d -> find("#empty").isDisplayed());
    assertThat(text("#status-message"))
        .isEqualTo("Access token " + WebFixture.masked(value) + " was deleted.");
    assertThatThrownBy(() -> web.validator().validate(copied, Scope.EDI, ACME, PRODUCTION))
        .isInstanceOf(ConnectionOpenException.class)
        .hasMessage(SEEDS_ERROR);
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).isEmpty();
    shot("deleted");
  }

  @Test
  void theTable_hasTheSeedsColumns_andShowsEveryTokenMasked() {
    IssuedToken partner = issue("Partner X over AS2");
    IssuedToken staging =
        web.service().create(ACME, WebFixture.TEST, "Staging partner, paused", Actor.of("setup"));
    IssuedSecrets.record(staging.value().reveal());
    web.service().deactivate(ACME, staging.id(), Actor.of("setup"));
    IssuedToken bare = web.service().create(ACME, PRODUCTION, null, Actor.of("setup"));
    IssuedSecrets.record(bare.value().reveal());
    // Issue 14: a use recorded with the connection's source shows in Last used.
    try (io.accesstokens.TokenValidator recording =
        io.accesstokens.TokenValidator.builder(web.service()).recordLastUsed(true).build()) {
      recording.validate(
          partner.value().reveal(),
          Scope.EDI,
          ACME,
          PRODUCTION,
          io.accesstokens.ConnectionSource.of("10.0.0.7"));
      assertThat(recording.flushLastUsed()).isEqualTo(1);
    }

    signIn();

    assertThat(driver.findElements(By.cssSelector("#tokens thead th")))
        .extracting(WebElement::getText)
        .containsExactly(
            "Token",
            "Status",
            "Expires",
            "Environment",
            "Description",
            "Scope",
            "Last used",
            "Rotated from",
            "Actions");
    assertThat(cells(row(partner.value().reveal())))
        .startsWith(
            partner.value().masked(), "Active", "Never", "production", "Partner X over AS2", "EDI");
    assertThat(cells(row(staging.value().reveal())))
        .startsWith(
            staging.value().masked(),
            "Inactive",
            "Never",
            "test",
            "Staging partner, paused",
            "EDI");
    assertThat(cells(row(bare.value().reveal())))
        .startsWith(bare.value().masked(), "Active", "Never", "production", "", "EDI");
    assertThat(cells(row(partner.value().reveal())).get(6))
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC from 10\\.0\\.0\\.7");
    assertThat(cells(row(bare.value().reveal())).get(6)).isEqualTo("Never");
    assertThat(rowButton(staging.value().reveal(), "status").getAttribute("aria-label"))
        .isEqualTo("Status of access token " + staging.value().masked());
    for (IssuedToken token : List.of(partner, staging, bare)) {
      assertThat(driver.getPageSource())
          .doesNotContain(token.value().reveal().substring(TokenFormat.SECRET_OFFSET));
    }
    shot("table"); // docs/images/access-tokens-page.png is a copy of this one
  }

  /**
   * Issue 14: Rotate with a 7-day overlap shows the successor's value once, as Add Token does; the
   * table then shows the successor with its Rotated from, and the predecessor's Expires; both
   * values validate during the overlap. Rotating the predecessor again is refused with the server's
   * message, and nothing changes.
   */
  @Test
  void rotate_showsTheNewValueOnce_andTheTableShowsTheSuccessorAndThePredecessorsExpiry() {
    IssuedToken old = issue("Partner X over AS2");
    signIn();

    rowButton(old.value().reveal(), "rotate").click();
    wait.until(d -> find("#rotate-dialog").isDisplayed());
    assertThat(text("#rotate-text"))
        .startsWith(
            "Access token "
                + old.value().masked()
                + " of environment production (Partner X over AS2) gets a successor");
    assertThat(focusedId()).isEqualTo("rotate-overlap");
    new Select(find("#rotate-overlap")).selectByVisibleText("7 days");
    new Select(find("#rotate-expires")).selectByVisibleText("In 90 days");
    shot("rotate-dialog");
    click("#rotate-confirm");

    WebElement shown =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token-value")));
    String value = shown.getText();
    IssuedSecrets.record(value);
    assertThat(TokenFormat.isWellFormed(value)).as("the successor's value, shown once").isTrue();
    java.time.Instant predecessorExpiry = web.service().get(ACME, old.id()).expiresAt();
    assertThat(predecessorExpiry).isNotNull();
    String until = predecessorExpiry.toString().substring(0, 16).replace('T', ' ') + " UTC";
    assertThat(text("#status-message"))
        .isEqualTo(
            "Access token "
                + old.value().masked()
                + " was rotated: its successor is "
                + WebFixture.masked(value)
                + ", and it stops working at "
                + until
                + ".");
    assertThat(text("#new-token-note"))
        .isEqualTo(
            "It succeeds access token "
                + old.value().masked()
                + ", which stops working at "
                + until
                + ".");
    wait.until(d -> focusedId().equals("new-token"));
    shot("successor-shown-once");

    assertThat(cells(row(value)))
        .startsWith(WebFixture.masked(value), "Active")
        .contains("Partner X over AS2", "production", old.value().masked());
    assertThat(cells(row(value)).get(2)).as("the successor's Expires").endsWith(" UTC");
    assertThat(cells(row(old.value().reveal())))
        .startsWith(old.value().masked(), "Active", until, "production", "Partner X over AS2");
    assertThat(cells(row(old.value().reveal())).get(7)).as("Rotated from").isEmpty();
    web.validator().validate(value, Scope.EDI, ACME, PRODUCTION);
    web.validator().validate(old.value().reveal(), Scope.EDI, ACME, PRODUCTION);

    click("#new-token-done");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-token")));
    assertThat(find("#new-token-value").getAttribute("textContent")).isEmpty();
    assertThat(driver.getPageSource()).doesNotContain(value.substring(TokenFormat.SECRET_OFFSET));
    shot("table-after-rotation");

    // The predecessor cannot be rotated twice: the server's reason is shown, nothing changes.
    rowButton(old.value().reveal(), "rotate").click();
    wait.until(d -> find("#rotate-dialog").isDisplayed());
    click("#rotate-confirm");
    wait.until(d -> !text("#error-message").isEmpty());
    assertThat(text("#error-message"))
        .startsWith("Access token " + old.id() + " cannot be rotated: it was already rotated");
    assertThat(find("#new-token").isDisplayed()).isFalse();
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(2);
    shot("rotated-twice-refused");

    // Cancel changes nothing.
    rowButton(value, "rotate").click();
    wait.until(d -> find("#rotate-dialog").isDisplayed());
    click("#rotate-cancel");
    wait.until(d -> !find("#rotate-dialog").isDisplayed());
    assertThat(text("#status-message"))
        .isEqualTo("Access token " + WebFixture.masked(value) + " was not rotated.");
    assertThat(focused()).isEqualTo(rowButton(value, "rotate"));
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).hasSize(2);
  }

  @Test
  void anOrganizationWithoutEdi_showsTheSeedsNoteInsteadOfThePage() {
    signIn();
    new Select(find("#organization-select")).selectByVisibleText("globex");

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("note")));
    assertThat(driver.getCurrentUrl()).endsWith("/access-tokens/?organization=globex");
    assertThat(text("#note-text")).isEqualTo(PageHandler.NOT_ENTITLED_NOTE);
    assertThat(find("#page").isDisplayed()).isFalse();
    assertThat(find("#add-token").isDisplayed()).isFalse();
    shot("note");
  }

  @Test
  void aStaleEditFromASecondTab_isRefused_withAClearMessage_andTheTableShowsTheOtherTabsEdit() {
    IssuedToken issued = issue("Partner X");
    String value = issued.value().reveal();
    signIn();
    String firstTab = driver.getWindowHandle();
    rowButton(value, "edit").click();
    WebElement firstInput =
        wait.until(ExpectedConditions.visibilityOf(row(value).findElement(By.tagName("input"))));
    firstInput.sendKeys(Keys.chord(Keys.CONTROL, "a"), "from the first tab");

    driver.switchTo().newWindow(WindowType.TAB);
    driver.get(web.page().toString());
    rowButton(value, "edit").click();
    WebElement secondInput =
        wait.until(ExpectedConditions.visibilityOf(row(value).findElement(By.tagName("input"))));
    secondInput.sendKeys(Keys.chord(Keys.CONTROL, "a"), "from the second tab", Keys.ENTER);
    wait.until(d -> cells(row(value)).get(4).equals("from the second tab"));
    driver.close();
    driver.switchTo().window(firstTab);

    rowButton(value, "edit-submit").click();
    wait.until(d -> !text("#error-message").isEmpty());
    assertThat(text("#error-message")).isEqualTo(WebFixture.staleChangeMessage(issued.id()));
    wait.until(d -> cells(row(value)).get(4).equals("from the second tab"));
    assertThat(web.service().get(ACME, issued.id()).description()).isEqualTo("from the second tab");
    shot("stale-edit-refused");
  }

  @Test
  void keyboardOnly_addEditToggleAndDelete_withFocusWhereTheUserExpectsIt() {
    signIn();

    tabTo("add-token").sendKeys(Keys.ENTER);
    assertThat(focusedId()).isEqualTo("add-environment");
    focused().sendKeys(Keys.ARROW_DOWN);
    assertThat(new Select(find("#add-environment")).getFirstSelectedOption().getText())
        .isEqualTo("production");
    focused().sendKeys(Keys.TAB);
    assertThat(focusedId()).isEqualTo("add-description");
    focused().sendKeys("Typed, not clicked", Keys.ENTER);
    wait.until(d -> "new-token".equals(focusedId()));
    String value = find("#new-token-value").getText();
    assertThat(TokenFormat.isWellFormed(value)).isTrue();
    shot("new-token-focused");
    tabTo("new-token-done").sendKeys(Keys.ENTER);
    assertThat(focusedId()).isEqualTo("add-token");

    tabTo(rowButton(value, "status")).sendKeys(Keys.SPACE);
    wait.until(d -> "false".equals(rowButton(value, "status").getAttribute("aria-checked")));
    assertThat(focused()).isEqualTo(rowButton(value, "status"));

    tabTo(rowButton(value, "edit")).sendKeys(Keys.ENTER);
    wait.until(d -> "input".equalsIgnoreCase(focused().getTagName()));
    focused().sendKeys("Edited by keyboard", Keys.ENTER);
    wait.until(d -> cells(row(value)).get(4).equals("Edited by keyboard"));
    assertThat(focused()).isEqualTo(rowButton(value, "edit"));

    rowButton(value, "edit").sendKeys(Keys.ENTER);
    wait.until(d -> "input".equalsIgnoreCase(focused().getTagName()));
    focused().sendKeys("Never saved", Keys.ESCAPE);
    wait.until(d -> cells(row(value)).get(4).equals("Edited by keyboard"));
    assertThat(focused()).isEqualTo(rowButton(value, "edit"));

    focused().sendKeys(Keys.TAB);
    assertThat(focused()).isEqualTo(rowButton(value, "rotate"));
    focused().sendKeys(Keys.ENTER);
    wait.until(d -> "rotate-overlap".equals(focusedId()));
    focused().sendKeys(Keys.ESCAPE);
    wait.until(d -> !find("#rotate-dialog").isDisplayed());
    assertThat(focused()).isEqualTo(rowButton(value, "rotate"));
    focused().sendKeys(Keys.TAB);
    assertThat(focused()).isEqualTo(rowButton(value, "delete"));
    focused().sendKeys(Keys.ENTER);
    wait.until(d -> "delete-cancel".equals(focusedId()));
    shot("delete-dialog-by-keyboard");
    focused().sendKeys(Keys.ESCAPE);
    wait.until(d -> !find("#delete-dialog").isDisplayed());
    assertThat(focused()).isEqualTo(rowButton(value, "delete"));

    focused().sendKeys(Keys.ENTER);
    wait.until(d -> "delete-cancel".equals(focusedId()));
    focused().sendKeys(Keys.TAB);
    assertThat(focusedId()).isEqualTo("delete-confirm");
    focused().sendKeys(Keys.ENTER);
    wait.until(d -> find("#empty").isDisplayed());
    assertThat(focusedId()).isEqualTo("add-token");

    focused().sendKeys(Keys.ENTER);
    assertThat(focusedId()).isEqualTo("add-environment");
    focused().sendKeys(Keys.ESCAPE);
    assertThat(find("#add-form").isDisplayed()).isFalse();
    assertThat(focusedId()).isEqualTo("add-token");
  }

  @Test
  void paging_followsTheCursor_forwardAndBack() {
    for (int i = 1; i <= 7; i++) {
      issue("token " + i);
    }
    signIn();

    wait.until(d -> descriptions().equals(List.of("token 1", "token 2", "token 3")));
    assertThat(text("#page-number")).isEqualTo("Page 1");
    assertThat(find("#previous-page").isEnabled()).isFalse();
    click("#next-page");
    wait.until(d -> descriptions().equals(List.of("token 4", "token 5", "token 6")));
    click("#next-page");
    wait.until(d -> descriptions().equals(List.of("token 7")));
    assertThat(text("#page-number")).isEqualTo("Page 3");
    assertThat(find("#next-page").isEnabled()).isFalse();
    shot("last-page");
    click("#previous-page");
    wait.until(d -> descriptions().equals(List.of("token 4", "token 5", "token 6")));

    new Select(find("#filter-status")).selectByVisibleText("Inactive");
    wait.until(d -> find("#empty").isDisplayed());
    assertThat(text("#empty")).isEqualTo("No access tokens match these filters.");
  }

  @Test
  void whenTheStoreIsDown_theServersMessageIsShown() {
    IssuedToken issued = issue("Partner X");
    signIn();
    web.store().down(true);

    rowButton(issued.value().reveal(), "status").click();

    wait.until(d -> !text("#error-message").isEmpty());
    assertThat(text("#error-message"))
        .isEqualTo(
            "The token store did not answer. A change may or may not have been"
                + " saved: reload the page to see, then try again.");
    shot("store-down");
    web.store().down(false);
  }

  // ---- security, as the browser sees it
  // -------------------------------------------------------------

  @Test
  void theSecurityHeaders_asTheBrowserSeesThem_andTheyAreEnforced() {
    IssuedToken issued = issue("Partner X");
    signIn();

    for (String address :
        List.of("./", "assets/page.js", "assets/page.css", "api/context", "api/nothing")) {
      Map<String, Object> headers = headersOf("fetch('" + address + "')");
      assertThat(headers)
          .as(address)
          .containsEntry("content-security-policy", SecurityHeaders.CONTENT_SECURITY_POLICY)
          .containsEntry("x-frame-options", "DENY")
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("referrer-policy", "no-referrer");
    }
    Map<String, Object> copy =
        headersOf(
            "fetch('api/context').then((r) => r.json()).then((c) => fetch("
                + "'api/organizations/acme/tokens/"
                + issued.id()
                + "/copy', {method: 'POST', headers: {'X-CSRF-Token': c.csrfToken}}))");
    assertThat(copy).containsEntry("status", 200L).containsEntry("cache-control", "no-store");

    Object inline =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const s = document.createElement('script'); s.textContent = 'window.inlineRan ="
                    + " true;'; document.head.append(s); return window.inlineRan === true;");
    assertThat(inline)
        .as("an inline script ran despite the Content-Security-Policy")
        .isEqualTo(false);

    driver.get(web.origin().resolve("/frame.html").toString());
    // Same origin, so a frame that rendered the page could be read; a refused one shows Chromium's
    // error page, which is another origin (null contentDocument).
    String framed =
        wait.until(
            d -> {
              Object state =
                  ((JavascriptExecutor) d)
                      .executeScript(
                          "const frame = document.getElementById('frame'); const doc ="
                              + " frame.contentDocument; if (doc === null) { return 'refused'; }"
                              + " return doc.readyState === 'complete' && doc.title === 'Access"
                              + " Tokens' ? 'rendered' : null;");
              return (String) state;
            });
    assertThat(framed).as("the page inside a frame").isEqualTo("refused");
  }

  @Test
  void aFormOnAnotherSite_cannotCreateAToken() {
    signIn();
    String target =
        web.origin().resolve(WebFixture.MOUNT + "/api/organizations/acme/tokens").toString();
    // The same server answers as another site: http://127.0.0.1:PORT is not http://localhost:PORT.
    driver.get(web.otherSite().resolve("/evil.html?target=" + target).toString());
    wait.until(ExpectedConditions.elementToBeClickable(By.id("go"))).click();

    wait.until(d -> d.getPageSource().contains("\"code\""));
    assertThat(driver.getPageSource()).contains("CSRF_REJECTED");
    assertThat(web.service().list(ACME, TokenQuery.all()).tokens()).isEmpty();
  }

  // ---- helpers
  // ------------------------------------------------------------------------------------

  private void signIn() {
    driver.get(access.newLoginLink(web.origin().resolve("/")).toString());
    wait.until(d -> d.getCurrentUrl().endsWith(WebFixture.MOUNT + "/"));
    wait.until(
        d ->
            find("#page").isDisplayed()
                || find("#note").isDisplayed()
                || !text("#error-message").isEmpty());
    assertThat(text("#error-message")).isEmpty();
    assertThat(text("#actor")).isEqualTo("Signed in as operator@acme.example");
  }

  private IssuedToken issue(String description) {
    IssuedToken issued = web.service().create(ACME, PRODUCTION, description, Actor.of("setup"));
    IssuedSecrets.record(issued.value().reveal());
    return issued;
  }

  /**
   * Clicks Copy in the row of {@code value}; returns what reached the clipboard API and the
   * clipboard.
   */
  private String copy(String value) {
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin", web.origin().toString(),
            "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    JavascriptExecutor js = driver;
    js.executeScript(
        "window.copiedTexts = []; const clipboard = navigator.clipboard; const write ="
            + " clipboard.writeText.bind(clipboard); clipboard.writeText = (text) => {"
            + " window.copiedTexts.push(text); return write(text); };");
    rowButton(value, "copy").click();
    wait.until(
        d ->
            text("#status-message")
                .equals("Access token " + WebFixture.masked(value) + " copied to the clipboard."));
    Object handed = js.executeScript("return window.copiedTexts;");
    assertThat(handed)
        .as("texts handed to navigator.clipboard.writeText")
        .isEqualTo(List.of(value));
    Object onClipboard =
        js.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + " navigator.clipboard.readText().then(done, (e) => done('could not read the"
                + " clipboard: ' + e));");
    return (String) onClipboard;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> headersOf(String fetchExpression) {
    return (Map<String, Object>)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1]; "
                    + fetchExpression
                    + ".then((r) => { const out = {status: r.status}; r.headers.forEach((v, k) => {"
                    + " out[k] = v; }); done(out); }, (e) => done({error: String(e)}));");
  }

  private WebElement row(String value) {
    String masked = WebFixture.masked(value);
    return wait.until(
        d ->
            d.findElements(By.cssSelector("#token-rows tr")).stream()
                .filter(tr -> tr.findElement(By.cssSelector("td.token")).getText().equals(masked))
                .findFirst()
                .orElse(null));
  }

  private WebElement rowButton(String value, String action) {
    return row(value).findElement(By.cssSelector("button[data-action='" + action + "']"));
  }

  private static List<String> cells(WebElement row) {
    return row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
  }

  private List<String> descriptions() {
    return driver.findElements(By.cssSelector("#token-rows td.description")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  private String text(String css) {
    return find(css).getText();
  }

  private void click(String css) {
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css))).click();
  }

  private WebElement focused() {
    return driver.switchTo().activeElement();
  }

  private String focusedId() {
    return focused().getAttribute("id");
  }

  /** Presses Tab until the element with {@code id} has the focus (at most 40 times). */
  private WebElement tabTo(String id) {
    return tabTo(find("#" + id));
  }

  private WebElement tabTo(WebElement target) {
    for (int i = 0; i < 40; i++) {
      if (focused().equals(target)) {
        return target;
      }
      new Actions(driver).sendKeys(Keys.TAB).perform();
    }
    throw new AssertionError("Tab never reached " + target);
  }

  private void shot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(
          SCREENSHOTS.resolve(
              String.format("%s-%02d-%s.png", testName, shots.incrementAndGet(), name)),
          driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A page of the test's own, for the framing and cross-site checks. */
  static final class HtmlServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String html;

    HtmlServlet(String html) {
      this.html = html;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String page = html;
      String target = request.getParameter("target");
      if (target != null) {
        // The classic forged JSON post: a text/plain form whose one field spells a JSON object.
        page =
            "<!DOCTYPE html><title>Another site</title><form method=\"post\" enctype=\"text/plain\""
                + " action=\""
                + target
                + "\"><input type=\"hidden\" name='{\"environment\": \"production\","
                + " \"description\": \"forged\", \"x\": \"' value='\"}'><button id=\"go\">Win a"
                + " prize</button></form>";
      }
      response.setContentType("text/html;charset=UTF-8");
      response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
    }
  }
}
