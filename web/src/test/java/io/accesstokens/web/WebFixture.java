package io.accesstokens.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenId;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.internal.TokenFormat;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.spi.TokenLimits;
import io.accesstokens.spi.TokenStore;
import io.accesstokens.testing.FaultyTokenStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A host for each test: a token service on a store the test class chooses, wrapped in a {@link
 * FaultyTokenStore} (to take it down), its validator, and a real Jetty 12 on a free loopback port
 * serving the page at {@value #MOUNT}/* behind a {@link LeakScanningFilter}. After each test every
 * answer the server sent must have been free of secrets.
 *
 * <p>Organizations: {@code acme} (environments {@code production} and {@code test}) and {@code
 * initech} ({@code production}) have the EDI application; {@code globex} ({@code production}) does
 * not. Access: {@code alice} administers acme and initech and belongs to globex as an administrator
 * too (so the page's note can be seen); {@code bob} is a member of acme but administers nothing;
 * {@code carol} administers initech only.
 */
final class WebFixture implements BeforeEachCallback, AfterEachCallback {
  static final String MOUNT = "/access-tokens";

  /** How the page shows the token whose value is {@code value}: the prefix and its id. */
  static String masked(String value) {
    return TokenFormat.mask(
        TokenId.parse(value.substring(TokenFormat.ID_OFFSET, TokenFormat.SECRET_OFFSET)));
  }

  static final OrganizationId ACME = OrganizationId.of("acme");
  static final OrganizationId GLOBEX = OrganizationId.of("globex");
  static final OrganizationId INITECH = OrganizationId.of("initech");
  static final EnvironmentId PRODUCTION = EnvironmentId.of("production");
  static final EnvironmentId TEST = EnvironmentId.of("test");

  private final Supplier<TokenStore> stores;
  private @Nullable CopyPolicy copyPolicy;
  private int pageSize = AccessTokensServlet.DEFAULT_PAGE_SIZE;
  private @Nullable PageAccess accessOverride;
  private boolean scanAddresses;
  private final Map<String, HttpServlet> extraServlets = new LinkedHashMap<>();

  private final TestAccess testAccess =
      new TestAccess()
          .administrator("alice", "acme", "initech", "globex")
          .member("bob", "acme")
          .administrator("carol", "initech");
  private final EnvironmentDirectory environments =
      EnvironmentDirectory.of(
          Map.of(
              ACME,
              Set.of(PRODUCTION, TEST),
              GLOBEX,
              Set.of(PRODUCTION),
              INITECH,
              Set.of(PRODUCTION)));

  private TokenLimits limits = TokenLimits.none();
  private io.accesstokens.spi.LifetimePolicy lifetimes =
      io.accesstokens.spi.LifetimePolicy.unlimited();
  private @Nullable FaultyTokenStore store;
  private @Nullable TokenService service;
  private @Nullable TokenValidator validator;
  private @Nullable Server server;
  private @Nullable LeakScanningFilter leakFilter;

  WebFixture(Supplier<TokenStore> stores) {
    this.stores = stores;
  }

  WebFixture copyPolicy(CopyPolicy policy) {
    this.copyPolicy = policy;
    return this;
  }

  WebFixture limits(TokenLimits tokenLimits) {
    this.limits = tokenLimits;
    return this;
  }

  WebFixture lifetimePolicy(io.accesstokens.spi.LifetimePolicy policy) {
    this.lifetimes = policy;
    return this;
  }

  WebFixture pageSize(int size) {
    this.pageSize = size;
    return this;
  }

  /** Serves the page with another access policy than {@link TestAccess}. */
  WebFixture access(PageAccess access) {
    this.accessOverride = access;
    return this;
  }

  /** Scans every request's address for secrets too (for tests whose requests the page makes). */
  WebFixture scanAddresses() {
    this.scanAddresses = true;
    return this;
  }

  /** Serves {@code servlet} at {@code path} beside the page. */
  WebFixture servlet(String path, HttpServlet servlet) {
    extraServlets.put(path, servlet);
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      assertThat(leakFilter().leaks()).as("answers of the server that carry a secret").isEmpty();
    } finally {
      stop();
    }
  }

  void start() throws Exception {
    store = new FaultyTokenStore(stores.get());
    service =
        TokenService.builder(store)
            .entitlements((organization, scope) -> !organization.equals(GLOBEX))
            .environments(environments)
            .copyPolicy(copyPolicy == null ? CopyPolicy.ephemeral() : copyPolicy)
            .limits(limits)
            .lifetimePolicy(lifetimes)
            .build();
    validator = TokenValidator.builder(service).build();
    AccessTokensServlet page =
        AccessTokensServlet.builder(service, environments, access()).pageSize(pageSize).build();

    ServletContextHandler handler = new ServletContextHandler();
    leakFilter = new LeakScanningFilter(scanAddresses);
    handler.addFilter(new FilterHolder(leakFilter), "/*", EnumSet.of(DispatcherType.REQUEST));
    handler.addServlet(new ServletHolder(page), MOUNT + "/*");
    extraServlets.forEach((path, servlet) -> handler.addServlet(new ServletHolder(servlet), path));
    server = LoopbackJetty.start(handler);
  }

  void stop() throws Exception {
    if (validator != null) {
      validator.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  PageAccess access() {
    return accessOverride == null ? testAccess : accessOverride;
  }

  TestAccess testAccess() {
    return testAccess;
  }

  /** {@code http://localhost:PORT}: the origin the page is served from. */
  URI origin() {
    return URI.create("http://localhost:" + port());
  }

  /** The same server as another site: {@code http://127.0.0.1:PORT}. */
  URI otherSite() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** {@code http://localhost:PORT/access-tokens/}: the page. */
  URI page() {
    return origin().resolve(MOUNT + "/");
  }

  int port() {
    return LoopbackJetty.port(server());
  }

  Server server() {
    return started(server);
  }

  TokenService service() {
    return started(service);
  }

  TokenValidator validator() {
    return started(validator);
  }

  FaultyTokenStore store() {
    return started(store);
  }

  LeakScanningFilter leakFilter() {
    return started(leakFilter);
  }

  EnvironmentDirectory environments() {
    return environments;
  }

  /**
   * What the API answers, and the page shows, when a change was made to an older version of token
   * {@code id} than the stored one.
   */
  static String staleChangeMessage(TokenId id) {
    return "Access token "
        + id
        + " was changed after you loaded it (by someone else, or in another tab), so your"
        + " change was not saved. The page now shows the token as it is; make your change"
        + " again if it is still needed.";
  }

  /** {@code part}, which {@link #beforeEach} made; fails if the fixture has not started. */
  private static <T> T started(@Nullable T part) {
    if (part == null) {
      throw new IllegalStateException("not started");
    }
    return part;
  }
}
